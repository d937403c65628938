package dev.wafer.adapters.cpu;

import java.util.SplittableRandom;

/**
 * Times the Vector API GEMM against the scalar GEMM on the same machine, same shape, same threads:
 * {@code C(m,n) = A(m,k)·B(n,k)ᵀ}, the layout of a linear layer's forward. Returns numbers; printing is the
 * caller's business.
 */
public final class GemmBenchmark {
    /**
     * @param vectorGflops best-of-repeats GFLOP/s of the Vector API GEMM (NaN if the module is absent)
     * @param scalarGflops best-of-repeats GFLOP/s of the scalar GEMM
     * @param vectorDescription how the Vector GEMM is tiled
     */
    public record Result(int m, int n, int k, int threads, double vectorGflops, double scalarGflops,
                         String vectorDescription) {
        /** Vector over scalar. */
        public double speedup() {
            return vectorGflops / scalarGflops;
        }
    }

    private GemmBenchmark() {
    }

    /** Measures both GEMMs, {@code repeats} timed runs each after one warm-up run; the best run counts. */
    public static Result measure(int m, int n, int k, int threads, int repeats) {
        SplittableRandom rnd = new SplittableRandom(1);
        float[] a = new float[m * k];
        float[] b = new float[n * k];
        float[] c = new float[m * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        try (Parallel parallel = new Parallel(threads)) {
            double vector = Double.NaN;
            String description = "unavailable (run with --add-modules jdk.incubator.vector)";
            if (CpuBackend.vectorApiAvailable()) {
                Sgemm v = new VectorSgemm(parallel);
                vector = best(v, m, n, k, a, b, c, repeats);
                description = v.describe();
            }
            double scalar = best(new ScalarSgemm(parallel), m, n, k, a, b, c, Math.max(1, repeats / 3));
            return new Result(m, n, k, threads, vector, scalar, description);
        }
    }

    private static double best(Sgemm g, int m, int n, int k, float[] a, float[] b, float[] c, int repeats) {
        g.gemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
        long bestNanos = Long.MAX_VALUE;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            g.gemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false);
            bestNanos = Math.min(bestNanos, System.nanoTime() - t0);
        }
        return 2.0 * m * n * k / bestNanos;
    }
}
