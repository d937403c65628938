package dev.wafer.app.cli;

import dev.wafer.domain.session.MemoryEstimate;
import java.util.function.LongSupplier;

/**
 * The heap a training run's tensors cannot have: what the program already holds when the run is sized (its own
 * objects, the tokenizer, the data's index; measured, garbage included, so on the safe side) and a share of the
 * estimate as slack (G1 rounds each large array up to whole regions, 4 MB under the launcher, and validation
 * allocates beyond a training step's buffers). Sized against the whole heap, a run died of an OutOfMemoryError after
 * it had been accepted (train's default model under {@code -Xmx160m}: 132.6 MiB estimated, about 170 MiB needed).
 * The bytes in use include garbage not yet collected; where that decides the run, they are measured again after a
 * collection ({@link #inUseCollected()}): a JVM that had run other work (a test suite, 1.6 GiB of garbage) refused
 * a run its heap held.
 */
final class HeapReserve {
    /** No reserve: the budget is all the run's (device memory, and tests that give a heap size). */
    static final HeapReserve NONE = new HeapReserve(() -> 0, () -> { }, 0);

    /** Share of the estimate kept free besides what is in use; what the runs measured needed, with some margin. */
    static final double SLACK = 0.15;

    private final LongSupplier inUse;
    private final Runnable collector;
    private final double slack;

    HeapReserve(LongSupplier inUse, Runnable collector, double slack) {
        this.inUse = inUse;
        this.collector = collector;
        this.slack = slack;
    }

    /**
     * The reserve of this JVM's heap: its bytes in use when asked, rounded up to {@link #GRAIN} (ranks of one job
     * must choose one default micro-batch, and their heaps hold a few bytes more or less), and {@link #SLACK}.
     */
    static HeapReserve measured() {
        Runtime rt = Runtime.getRuntime();
        return new HeapReserve(() -> Math.ceilDiv(rt.totalMemory() - rt.freeMemory(), GRAIN) * GRAIN, System::gc,
                SLACK);
    }

    /** What the measured bytes in use are rounded up to. */
    static final long GRAIN = 8L << 20;

    /** The heap in use now (sampled once per sizing, so that every micro-batch is measured against one figure). */
    long inUse() {
        return Math.max(0, inUse.getAsLong());
    }

    /**
     * The heap in use after a full collection: once per sizing, and only where garbage would change the decision
     * (a collection of a large heap takes a moment).
     */
    long inUseCollected() {
        collector.run();
        return inUse();
    }

    /** Of {@code heapBytes} with {@code inUse} already taken, what a run's estimate may be. */
    long room(long heapBytes, long inUse) {
        return Math.max(0, (long) ((heapBytes - inUse) / (1 + slack)));
    }

    /** The heap {@code m} needs with {@code inUse} taken: what a refusal names. */
    long needed(MemoryEstimate m, long inUse) {
        long total = m.totalBytes();
        return total == Long.MAX_VALUE ? total : (long) (total * (1 + slack)) + inUse;
    }

    /** Whether there is a reserve at all (messages mention it only then). */
    boolean any() {
        return slack > 0;
    }
}
