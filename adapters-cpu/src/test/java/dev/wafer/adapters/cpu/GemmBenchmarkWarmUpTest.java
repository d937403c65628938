package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * {@code bench --gemm}'s warm-up policy on a fake clock (no timing): a small product whose runs are slow (as
 * interpreted ones are) is warmed up by a count of runs, not ended by 0.3 s of them; a large one by its work.
 */
class GemmBenchmarkWarmUpTest {
    /** A clock that moves {@code step} nanoseconds each time it is read. */
    private static java.util.function.LongSupplier clock(long step) {
        AtomicLong now = new AtomicLong();
        return () -> now.addAndGet(step);
    }

    @Test
    void aSmallSlowProductWarmsUpForThousandsOfRunsNotJustForATime() {
        AtomicLong runs = new AtomicLong();
        // 50 ms between clock reads: 0.3 s of warm-up would be 6 runs, all of them interpreted for 64^3.
        GemmBenchmark.best(runs::incrementAndGet, 2.0 * 64 * 64 * 64, 5, clock(50_000_000L));
        assertTrue(runs.get() >= GemmBenchmark.WARM_UP_RUNS + 5, "runs: " + runs.get());
    }

    @Test
    void aLargeProductIsWarmedUpByItsWorkWithoutThousandsOfRuns() {
        AtomicLong runs = new AtomicLong();
        double flops = 2.0 * 2048 * 2048 * 2048;
        GemmBenchmark.best(runs::incrementAndGet, flops, 5, clock(1_000_000_000L));
        // One warm-up run (17 GFLOP, past WARM_UP_FLOPS and 0.3 s), then the 5 timed ones.
        assertEquals(6, runs.get());
    }

    @Test
    void warmUpNeedsBothTheTimeAndTheRunsOrWork() {
        long t = GemmBenchmark.WARM_UP_NANOS;
        assertFalse(GemmBenchmark.warmedUp(1, 10 * t, 1e3));
        assertFalse(GemmBenchmark.warmedUp(GemmBenchmark.WARM_UP_RUNS - 1, 10 * t, 1e3));
        assertFalse(GemmBenchmark.warmedUp(GemmBenchmark.WARM_UP_RUNS, t - 1, 1e3));
        assertTrue(GemmBenchmark.warmedUp(GemmBenchmark.WARM_UP_RUNS, t, 1e3));
        assertTrue(GemmBenchmark.warmedUp(1, t, GemmBenchmark.WARM_UP_FLOPS));
        assertFalse(GemmBenchmark.warmedUp(1, t - 1, GemmBenchmark.WARM_UP_FLOPS));
    }
}
