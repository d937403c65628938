package dev.wafer.adapters.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * Splits index ranges over a fixed number of workers. Each worker gets one contiguous chunk and its own index,
 * so kernels can keep per-worker scratch buffers allocated once instead of allocating inside loops.
 */
final class Parallel implements AutoCloseable {
    /** Work of one worker: indices {@code [from, to)}. */
    @FunctionalInterface
    interface Body {
        void run(int worker, int from, int to);
    }

    private final ForkJoinPool pool;
    private final int workers;
    /** Set by {@link #close}: the pool is gone (and a one-worker backend must refuse alike). */
    private volatile boolean closed;

    Parallel(int workers) {
        this.workers = Math.max(1, workers);
        this.pool = this.workers == 1 ? null : new ForkJoinPool(this.workers);
    }

    int workers() {
        return workers;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in up to {@link #workers()} chunks; small ranges (fewer than
     * {@code grain} indices per worker) run on the calling thread, where thread hand-off would cost more than it saves.
     */
    void range(int n, int grain, Body body) {
        requireOpen();
        int chunks = Math.min(workers, Math.max(1, n / Math.max(1, grain)));
        if (chunks <= 1 || pool == null) {
            if (n > 0) {
                body.run(0, 0, n);
            }
            return;
        }
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[chunks - 1];
        for (int w = 1; w < chunks; w++) {
            int from = (int) ((long) n * w / chunks);
            int to = (int) ((long) n * (w + 1) / chunks);
            int worker = w;
            tasks[w - 1] = pool.submit(() -> body.run(worker, from, to));
        }
        body.run(0, 0, (int) ((long) n / chunks));
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }

    /** Refuses work after {@link #close}, whatever the worker count. */
    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("CPU backend is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
