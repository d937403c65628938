package dev.wafer.ports.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BackendAvailabilityTest {

    @Test
    void availableCarriesDetailAndNoRemedy() {
        BackendAvailability a = BackendAvailability.available("2 cores");
        assertTrue(a.available());
        assertEquals("2 cores", a.detail());
        assertEquals("", a.remedy());
    }

    @Test
    void unavailableCarriesReasonAndRemedy() {
        BackendAvailability a = BackendAvailability.unavailable("no OpenCL platform found", "Install one");
        assertFalse(a.available());
        assertEquals("no OpenCL platform found", a.detail());
        assertEquals("Install one", a.remedy());
    }

    @Test
    void unavailableWithoutRemedyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> BackendAvailability.unavailable("broken", " "));
    }

    @Test
    void blankDetailIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> BackendAvailability.available(""));
        assertThrows(IllegalArgumentException.class, () -> BackendAvailability.unavailable("", "fix it"));
    }

    @Test
    void availableWithRemedyIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new BackendAvailability(true, "ok", "do something"));
    }

    @Test
    void nullsAreRejected() {
        assertThrows(NullPointerException.class, () -> new BackendAvailability(false, null, "x"));
        assertThrows(NullPointerException.class, () -> new BackendAvailability(false, "x", null));
    }
}
