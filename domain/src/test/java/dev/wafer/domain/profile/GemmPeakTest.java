package dev.wafer.domain.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.conformance.reference.SilentMatmulBackend;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.OperandFormat;

/** The GEMM peak through a backend's matmul: timed between synchronisations, and refused when the product is wrong. */
class GemmPeakTest {
    private static final long SEED = 11;

    @Test
    void thePeakIsTwoNCubedOverTheBestRun() {
        long[] clock = {0};
        long[] step = {7_000, 5_000, 9_000}; // nanoseconds per timed run; the best is 5 us
        int[] calls = {0};
        // Each timed run reads the clock twice; advance it by the next step between a start and its end.
        GemmPeak.Result r = GemmPeak.measure(new ReferenceBackend(), OperandFormat.FP32, 24, 3, () -> {
            int c = calls[0]++;
            if (c % 2 == 1) {
                clock[0] += step[c / 2];
            }
            return clock[0];
        }, SEED);
        assertEquals(24, r.size());
        assertEquals(5e-6, r.bestSeconds(), 1e-15);
        assertEquals(2.0 * 24 * 24 * 24 / 5e-6, r.flopsPerSecond(), 1e-6);
        assertTrue(r.description().startsWith("fp32 operands through reference's matmul, best of 3"),
                r.description());
    }

    @Test
    void aRealProductPassesItsCheckAtAnotherSize() {
        GemmPeak.Result r = GemmPeak.measure(new ReferenceBackend(), OperandFormat.FP32, 48, 2, System::nanoTime,
                SEED);
        assertTrue(r.flopsPerSecond() > 0, r::toString);
    }

    @Test
    void aProductThatComputesNothingReportsNoPeak() {
        ComputeBackend broken = SilentMatmulBackend.create();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> GemmPeak.measure(broken, OperandFormat.FP32, 32, 1, System::nanoTime, SEED));
        assertTrue(e.getMessage().startsWith("GEMM peak: the timed 32^3 product is wrong at ("), e.getMessage());
    }

    @Test
    void badSizesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> GemmPeak.measure(new ReferenceBackend(), OperandFormat.FP32, 0, 1, System::nanoTime, SEED));
        assertThrows(IllegalArgumentException.class,
                () -> GemmPeak.measure(new ReferenceBackend(), OperandFormat.FP32, 50_000, 1, System::nanoTime, SEED));
    }
}
