package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Sum of squares in double ({@link DoubleSums}; per-worker partials combined in a fixed order, so results are
 * deterministic).
 */
final class CpuReductions implements ReductionKernel {
    private final Parallel parallel;
    private final double[] partials;

    CpuReductions(Parallel parallel) {
        this.parallel = parallel;
        this.partials = new double[parallel.workers()];
    }

    @Override
    public synchronized double sumOfSquares(Tensor x, int n) {
        parallel.requireOpen();
        CpuTensor t = CpuTensor.of(x, n);
        java.util.Arrays.fill(partials, 0.0);
        parallel.range(n, 1 << 15, (w, from, to) -> partials[w] = DoubleSums.squaredDeviations(t.data,
                t.offset + from, to - from, 0.0));
        double total = 0;
        for (double p : partials) {
            total += p;
        }
        return total;
    }

    @Override
    public void scale(Tensor x, int n, float factor) {
        parallel.requireOpen();
        CpuTensor t = CpuTensor.of(x, n);
        parallel.range(n, 1 << 15, (w, from, to) -> {
            for (int i = from; i < to; i++) {
                t.data[t.offset + i] *= factor;
            }
        });
    }

    @Override
    public void fill(Tensor x, int n, float value) {
        parallel.requireOpen();
        CpuTensor t = CpuTensor.of(x, n);
        parallel.range(n, 1 << 15, (w, from, to) -> java.util.Arrays.fill(t.data, t.offset + from, t.offset + to, value));
    }
}
