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

    /**
     * The machine's GEMM peak as a backend's step uses it.
     *
     * @param flopsPerSecond best-of-repeats FLOP/s of the pure product
     * @param description    which GEMM ran, e.g. {@code oneDNN 2.6.3 bf16 matmul (brg:avx512_core_bf16)}
     */
    public record Peak(int size, int threads, double flopsPerSecond, String description) {
    }

    /** Side of the square product {@link #peak} times (2048^3: large enough that every GEMM runs at its best). */
    public static final int PEAK_SIZE = 2048;

    private GemmBenchmark() {
    }

    /**
     * Times {@code C = A·Bᵀ} ({@code size}^3, a linear layer's forward layout) on the GEMM that {@code backend}'s
     * products at {@code operands} run on, with its threads: for bf16 on oneDNN the operands are rounded to bf16
     * once, before timing, and only oneDNN's product is timed (no rounding, no copy out); otherwise the float32
     * GEMM (the emulation of bf16/fp16 multiplies values already rounded, so its peak is the float32 one). Two
     * warm-up runs, then the best of {@code repeats}.
     */
    public static Peak peak(CpuBackend backend, dev.wafer.ports.compute.OperandFormat operands, int size,
                            int repeats) {
        float[] a = random(size * size, 2);
        float[] b = random(size * size, 3);
        Sgemm g = backend.gemm(operands);
        long bestNanos;
        if (g instanceof OneDnnBf16Gemm dnnl) {
            try (Bf16Buffer a16 = new Bf16Buffer(); Bf16Buffer b16 = new Bf16Buffer()) {
                var as = a16.pack(dnnl.packer(), a, 0, size, size, size);
                var bs = b16.pack(dnnl.packer(), b, 0, size, size, size);
                Runnable product = () -> dnnl.productOnly(false, true, size, size, size, as, bs);
                bestNanos = best(product, repeats);
            }
        } else {
            float[] c = new float[size * size];
            bestNanos = best(() -> g.gemm(false, true, size, size, size, a, 0, size, b, 0, size, c, 0, size, false),
                    repeats);
        }
        return new Peak(size, backend.threads(), 2.0 * size * size * size / (bestNanos * 1e-9), g.describe());
    }

    private static long best(Runnable product, int repeats) {
        product.run();
        product.run();
        long bestNanos = Long.MAX_VALUE;
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            product.run();
            bestNanos = Math.min(bestNanos, System.nanoTime() - t0);
        }
        return bestNanos;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    /** At least this long of warm-up runs. */
    static final long WARM_UP_NANOS = 300_000_000L;
    /**
     * At least this many warm-up runs, unless {@link #WARM_UP_FLOPS} of them ran first: a small product's first runs
     * are interpreted (tens of milliseconds for 64^3 or 1x3072x768, where C2's code takes well under one), so 0.3 s
     * of them ended before C2 had compiled the kernels, and the timed runs timed the interpreter (0.2 GFLOP/s).
     * 64^3 reached compiled speed after about 800 runs on a 2-core AMD EPYC VM.
     */
    static final int WARM_UP_RUNS = 2_000;
    /** Or this much work: a large product's tile loops are compiled within its first runs (5 GFLOP, 20 of 512^3). */
    static final double WARM_UP_FLOPS = 5e9;
    private static final long TIMED_NANOS = 300_000_000L;
    private static final int MAX_RUNS = 10_000;

    /** Measures both GEMMs, at least {@code repeats} timed runs each after the warm-up; the best run counts. */
    public static Result measure(int m, int n, int k, int threads, int repeats) {
        float[] a = random(m * k, 1);
        float[] b = random(n * k, 4);
        float[] c = new float[m * n];
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

    /**
     * Warm-up (see {@link #warmedUp}), then at least {@code repeats} timed runs and at least {@link #TIMED_NANOS} of
     * them; the best timed run counts.
     */
    private static double best(Sgemm g, int m, int n, int k, float[] a, float[] b, float[] c, int repeats) {
        return best(() -> g.gemm(false, true, m, n, k, a, 0, k, b, 0, k, c, 0, n, false), 2.0 * m * n * k, repeats,
                System::nanoTime);
    }

    /** {@link #best(Sgemm, int, int, int, float[], float[], float[], int)} on any product and clock (for tests). */
    static double best(Runnable product, double flops, int repeats, java.util.function.LongSupplier clock) {
        long start = clock.getAsLong();
        long runs = 0;
        do {
            product.run();
            runs++;
        } while (!warmedUp(runs, clock.getAsLong() - start, flops));
        long bestNanos = Long.MAX_VALUE;
        long timed = 0;
        for (int r = 0; r < repeats || timed < TIMED_NANOS && r < MAX_RUNS; r++) {
            long t0 = clock.getAsLong();
            product.run();
            long t = clock.getAsLong() - t0;
            bestNanos = Math.min(bestNanos, t);
            timed += t;
        }
        return flops / Math.max(1, bestNanos);
    }

    /**
     * Whether {@code runs} warm-up runs of a product of {@code flops} that took {@code nanos} are enough: at least
     * {@link #WARM_UP_NANOS}, and at least {@link #WARM_UP_RUNS} runs or {@link #WARM_UP_FLOPS} of work, whichever
     * comes first (a time alone ended a small product's warm-up in the interpreter).
     */
    static boolean warmedUp(long runs, long nanos, double flops) {
        return nanos >= WARM_UP_NANOS && (runs >= WARM_UP_RUNS || runs * flops >= WARM_UP_FLOPS);
    }
}
