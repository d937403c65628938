package dev.wafer.conformance.collective;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.CollectiveException;

/**
 * A run of several ranks inside one process, one thread per rank: the reference multi-rank collective for tests.
 * Every operation meets at a barrier; sums add the ranks' values in rank order, so every rank computes the same
 * bits. Ranges and roots are checked before a rank arrives, as the port requires.
 */
public final class ThreadRanks {
    /** How long an operation waits for the other ranks before it fails. */
    private static final long TIMEOUT_SECONDS = 60;

    private final int size;
    private final CyclicBarrier meeting;
    private final Object[] slots;

    /** A run of {@code size} ranks. */
    public ThreadRanks(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size " + size);
        }
        this.size = size;
        this.meeting = new CyclicBarrier(size);
        this.slots = new Object[size];
    }

    /** Runs {@code body} with each rank on its own thread; returns the results in rank order. */
    public <T> List<T> run(Function<Collective, T> body) throws InterruptedException, ExecutionException {
        ExecutorService threads = Executors.newFixedThreadPool(size);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int r = 0; r < size; r++) {
                Collective rank = new Rank(r);
                futures.add(threads.submit(() -> body.apply(rank)));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            threads.shutdownNow();
        }
    }

    private void await(String operation) {
        try {
            meeting.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CollectiveException(operation + " was interrupted");
        } catch (BrokenBarrierException | TimeoutException e) {
            throw new CollectiveException(operation + ": a rank did not arrive within " + TIMEOUT_SECONDS + " s");
        }
    }

    /** One rank's view of the run. */
    private final class Rank implements Collective {
        private final int rank;

        Rank(int rank) {
            this.rank = rank;
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void allReduceSum(float[] values, int offset, int count) {
            Objects.checkFromIndexSize(offset, count, values.length);
            slots[rank] = Arrays.copyOfRange(values, offset, offset + count);
            await("all-reduce");
            for (int i = 0; i < count; i++) {
                float s = ((float[]) slots[0])[i];
                for (int r = 1; r < size; r++) {
                    s += ((float[]) slots[r])[i];
                }
                values[offset + i] = s;
            }
            await("all-reduce");
        }

        @Override
        public void allReduceSum(double[] values, int offset, int count) {
            Objects.checkFromIndexSize(offset, count, values.length);
            slots[rank] = Arrays.copyOfRange(values, offset, offset + count);
            await("all-reduce");
            for (int i = 0; i < count; i++) {
                double s = ((double[]) slots[0])[i];
                for (int r = 1; r < size; r++) {
                    s += ((double[]) slots[r])[i];
                }
                values[offset + i] = s;
            }
            await("all-reduce");
        }

        @Override
        public void reduceScatterSum(float[] values, int offset, int count) {
            int total = blocks(values.length, offset, count);
            slots[rank] = Arrays.copyOfRange(values, offset, offset + total);
            await("reduce-scatter");
            int mine = rank * count;
            for (int i = 0; i < count; i++) {
                float s = ((float[]) slots[0])[mine + i];
                for (int r = 1; r < size; r++) {
                    s += ((float[]) slots[r])[mine + i];
                }
                values[offset + mine + i] = s;
            }
            await("reduce-scatter");
        }

        @Override
        public void allGather(float[] values, int offset, int count) {
            blocks(values.length, offset, count);
            slots[rank] = Arrays.copyOfRange(values, offset + rank * count, offset + (rank + 1) * count);
            await("all-gather");
            for (int r = 0; r < size; r++) {
                System.arraycopy((float[]) slots[r], 0, values, offset + r * count, count);
            }
            await("all-gather");
        }

        /** {@code size·count}, after checking that it fits from {@code offset}. */
        private int blocks(int length, int offset, int count) {
            if (count < 0 || (long) size * count > Integer.MAX_VALUE) {
                throw new IndexOutOfBoundsException("count " + count + " per rank for " + size + " ranks");
            }
            Objects.checkFromIndexSize(offset, size * count, length);
            return size * count;
        }

        @Override
        public void broadcast(double[] values, int offset, int count, int root) {
            Objects.checkFromIndexSize(offset, count, values.length);
            Objects.checkIndex(root, size);
            if (rank == root) {
                slots[root] = Arrays.copyOfRange(values, offset, offset + count);
            }
            await("broadcast");
            System.arraycopy((double[]) slots[root], 0, values, offset, count);
            await("broadcast");
        }

        @Override
        public void barrier() {
            await("barrier");
        }

        @Override
        public String description() {
            return "rank " + rank + " of " + size + " threads";
        }
    }
}
