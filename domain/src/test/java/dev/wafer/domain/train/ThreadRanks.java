package dev.wafer.domain.train;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

import dev.wafer.ports.collective.Collective;

/**
 * N ranks as threads of one JVM, for testing the data-parallel step without MPI: sums are taken in rank order
 * 0, 1, ..., N-1 into a shared array and every rank copies the result, like an all-reduce.
 */
final class ThreadRanks {
    private final int size;
    private final CyclicBarrier barrier;
    private double[] doubles = new double[0];
    private float[] floats = new float[0];
    private float[][] shared;

    ThreadRanks(int size) {
        this.size = size;
        this.barrier = new CyclicBarrier(size);
    }

    Collective rank(int rank) {
        return new Collective() {
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
                if (rank == 0) {
                    floats = new float[count];
                }
                await();
                for (int r = 0; r < size; r++) {
                    if (r == rank) {
                        for (int i = 0; i < count; i++) {
                            floats[i] += values[offset + i];
                        }
                    }
                    await();
                }
                System.arraycopy(floats, 0, values, offset, count);
                await();
            }

            @Override
            public void allReduceSum(double[] values, int offset, int count) {
                if (rank == 0) {
                    doubles = new double[count];
                }
                await();
                for (int r = 0; r < size; r++) {
                    if (r == rank) {
                        for (int i = 0; i < count; i++) {
                            doubles[i] += values[offset + i];
                        }
                    }
                    await();
                }
                System.arraycopy(doubles, 0, values, offset, count);
                await();
            }

            @Override
            public void reduceScatterSum(float[] values, int offset, int count) {
                // The whole range summed in rank order (as allReduceSum does), then this rank keeps its block.
                float[] copy = java.util.Arrays.copyOfRange(values, offset, offset + size * count);
                allReduceSum(copy, 0, copy.length);
                System.arraycopy(copy, rank * count, values, offset + rank * count, count);
            }

            @Override
            public void allGather(float[] values, int offset, int count) {
                if (rank == 0) {
                    shared = new float[size][];
                }
                await();
                shared[rank] = java.util.Arrays.copyOfRange(values, offset + rank * count, offset + (rank + 1) * count);
                await();
                for (int r = 0; r < size; r++) {
                    System.arraycopy(shared[r], 0, values, offset + r * count, count);
                }
                await();
            }

            @Override
            public void broadcast(double[] values, int offset, int count, int root) {
                if (rank == root) {
                    doubles = java.util.Arrays.copyOfRange(values, offset, offset + count);
                }
                await();
                System.arraycopy(doubles, 0, values, offset, count);
                await();
            }

            @Override
            public void barrier() {
                await();
            }

            @Override
            public String description() {
                return "thread rank " + rank + " of " + size;
            }
        };
    }

    private void await() {
        try {
            barrier.await();
        } catch (InterruptedException | BrokenBarrierException e) {
            throw new IllegalStateException(e);
        }
    }
}
