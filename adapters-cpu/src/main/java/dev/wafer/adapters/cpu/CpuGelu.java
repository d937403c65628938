package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Exact GELU {@code x·Φ(x)}. Φ comes from the complementary error function by a Chebyshev-fitted exponential
 * (Numerical Recipes' {@code erfcc}, relative error below 1.2e-7 everywhere), which keeps the negative tail
 * accurate where {@code 1 + erf} would cancel.
 */
final class CpuGelu implements GeluKernel {
    private static final double INV_SQRT2 = 1.0 / Math.sqrt(2.0);
    private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2.0 * Math.PI);
    private final Parallel parallel;
    private final boolean vectorized;
    /** Per-worker blocks of Φ for the Vector backward. */
    private final Scratch scratch;

    CpuGelu(Parallel parallel, boolean vectorized) {
        this.parallel = parallel;
        this.vectorized = vectorized;
        this.scratch = new Scratch(parallel.workers());
    }

    /** erfc(z) for z >= 0, relative error < 1.2e-7. */
    static double erfcNonNegative(double z) {
        double t = 1.0 / (1.0 + 0.5 * z);
        return t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
    }

    /** Standard normal CDF. */
    static double phi(double x) {
        double e = 0.5 * erfcNonNegative(Math.abs(x) * INV_SQRT2);
        return x >= 0 ? 1.0 - e : e;
    }

    @Override
    public void forward(Tensor out, Tensor inp, int n) {
        parallel.requireOpen();
        CpuTensor o = CpuTensor.of(out, n);
        CpuTensor x = CpuTensor.of(inp, n);
        parallel.range(n, 4096, (w, from, to) -> {
            if (vectorized) {
                VectorGelu.forward(x.data, x.offset, o.data, o.offset, from, to);
                return;
            }
            for (int i = from; i < to; i++) {
                double v = x.data[x.offset + i];
                o.data[o.offset + i] = (float) (v * phi(v));
            }
        });
    }

    @Override
    public void backward(Tensor dinp, Tensor inp, Tensor dout, int n) {
        parallel.requireOpen();
        CpuTensor d = CpuTensor.of(dinp, n);
        CpuTensor x = CpuTensor.of(inp, n);
        CpuTensor g = CpuTensor.of(dout, n);
        parallel.range(n, 4096, (w, from, to) -> {
            if (vectorized) {
                VectorGelu.backward(d.data, d.offset, x.data, x.offset, g.data, g.offset, from, to,
                        scratch.floats(w, VectorGelu.BLOCK));
                return;
            }
            for (int i = from; i < to; i++) {
                double v = x.data[x.offset + i];
                double local = phi(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
                d.data[d.offset + i] = (float) (g.data[g.offset + i] * local);
            }
        });
    }
}
