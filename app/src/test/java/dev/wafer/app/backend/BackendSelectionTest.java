package dev.wafer.app.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.backend.BackendAvailability;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BackendSelectionTest {
    private final BackendSelection selection = new BackendSelection(BackendCatalog.of(List.of(
            FakeBackend.available("cpu"),
            FakeBackend.unavailable("opencl", "no OpenCL platform found",
                    "Install an OpenCL driver (e.g. Debian's pocl-opencl-icd)"),
            FakeBackend.available("cuda"))));

    @Test
    void defaultIsCpu() {
        assertEquals("cpu", selection.select(null, Map.of()).name());
    }

    @Test
    void environmentBeatsDefault() {
        assertEquals("cuda", selection.select(null, Map.of("WAFER_BACKEND", "cuda")).name());
    }

    @Test
    void flagBeatsEnvironment() {
        assertEquals("opencl", selection.select("opencl", Map.of("WAFER_BACKEND", "cuda")).name());
    }

    @Test
    void blankEnvironmentCountsAsUnset() {
        assertEquals("cpu", selection.select(null, Map.of("WAFER_BACKEND", "  ")).name());
    }

    @Test
    void unknownFlagNamesTheValidBackends() {
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> selection.select("tpu", Map.of("WAFER_BACKEND", "cuda")));
        assertEquals("unknown backend 'tpu' (from --backend); choose one of: cpu, opencl, cuda", e.getMessage());
    }

    @Test
    void unknownEnvironmentValueSaysWhereItCameFrom() {
        UnknownBackendException e = assertThrows(UnknownBackendException.class,
                () -> selection.select(null, Map.of("WAFER_BACKEND", "CUDA")));
        assertEquals("unknown backend 'CUDA' (from WAFER_BACKEND); choose one of: cpu, opencl, cuda", e.getMessage());
    }

    @Test
    void unavailableBackendStopsWithReasonRemedyAndTheDefault() {
        BackendModule opencl = selection.select("opencl", Map.of());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> selection.requireAvailable(opencl));
        assertEquals("backend 'opencl' is unavailable: no OpenCL platform found. Install an OpenCL driver"
                + " (e.g. Debian's pocl-opencl-icd) or choose --backend cpu.", e.getMessage());
    }

    @Test
    void availableBackendPassesWithWhatItFound() {
        BackendAvailability a = selection.requireAvailable(selection.select("cuda", Map.of()));
        assertTrue(a.available());
        assertEquals("fake cuda device", a.detail());
    }
}
