package dev.wafer.ports.collective;

import java.util.Objects;

/**
 * The collective of a run with one process: rank 0 of 1, and every operation leaves the values as they are (the sum
 * over one rank is that rank's values). Training with it is exactly training without any collective.
 */
public final class SingleProcess implements Collective {
    private static final SingleProcess INSTANCE = new SingleProcess();

    private SingleProcess() {
    }

    /** The one instance. */
    public static SingleProcess instance() {
        return INSTANCE;
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public int size() {
        return 1;
    }

    @Override
    public void allReduceSum(float[] values, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, values.length);
    }

    @Override
    public void allReduceSum(double[] values, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, values.length);
    }

    @Override
    public void reduceScatterSum(float[] values, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, values.length);
    }

    @Override
    public void allGather(float[] values, int offset, int count) {
        Objects.checkFromIndexSize(offset, count, values.length);
    }

    @Override
    public void broadcast(double[] values, int offset, int count, int root) {
        Objects.checkFromIndexSize(offset, count, values.length);
        Objects.checkIndex(root, 1);
    }

    @Override
    public void barrier() {
    }

    @Override
    public String description() {
        return "single process";
    }
}
