package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.collective.Collective;

/** {@code barrier}: no rank leaves it before the last one has arrived. */
final class BarrierChecks {
    /** How late the last rank arrives. */
    static final long LATE_MILLIS = 400;

    private BarrierChecks() {
    }

    /**
     * After lining up at one barrier, the last rank arrives {@link #LATE_MILLIS} late at the next: every other rank
     * waits there at least half of that (the other half allows for the ranks leaving the first barrier apart).
     */
    static void barrierWaitsForTheLastRank(Collective c, long seed) throws InterruptedException {
        c.barrier();
        boolean last = c.rank() == c.size() - 1;
        if (last && c.size() > 1) {
            Thread.sleep(LATE_MILLIS);
        }
        long start = System.nanoTime();
        c.barrier();
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        if (!last) {
            assertTrue(waitedMillis >= LATE_MILLIS / 2, "rank " + c.rank() + " left the barrier after "
                    + waitedMillis + " ms, before the last rank arrived " + LATE_MILLIS + " ms late");
        }
    }
}
