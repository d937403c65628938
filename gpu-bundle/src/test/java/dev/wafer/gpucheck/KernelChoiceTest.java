package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A wrong new kernel must not cost the first GPU run its figures. */
class KernelChoiceTest {

    @Test
    void fastKernelsWhenTheyPass() {
        assertEquals("fast", KernelChoice.of(true, true).variant());
        assertEquals("fast", KernelChoice.of(true, false).variant());
    }

    @Test
    void baselineKernelsWhenOnlyTheyPass() {
        KernelChoice choice = KernelChoice.of(false, true);
        assertEquals("baseline", choice.variant());
        assertTrue(choice.reason().contains("fast kernels failed"), choice.reason());
    }

    @Test
    void fastKernelsWhenNeitherPasses() {
        assertEquals("fast", KernelChoice.of(false, false).variant());
    }

    @Test
    void aFailedFastBenchIsRetriedOnBaselineOnlyWhenBaselinePassed() {
        assertTrue(KernelChoice.retryOnBaseline("fast", true));
        assertFalse(KernelChoice.retryOnBaseline("fast", false));
        assertFalse(KernelChoice.retryOnBaseline("baseline", true));
    }
}
