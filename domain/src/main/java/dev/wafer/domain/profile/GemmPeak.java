package dev.wafer.domain.profile;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The GEMM peak of any backend, through its own matmul kernel: an {@code n x n} by {@code n x n} product at the
 * operand format a training step uses, timed between {@link ComputeBackend#synchronize()} calls, best of a few after
 * warm-up. It is what the step's products can reach on this backend, the denominator of "share of peak" for backends
 * without a dedicated benchmark (a GPU: cuBLAS on tensor cores for 16-bit operands, the float32 SGEMM otherwise).
 *
 * <p>The input is stored as the step stores 16-bit activations when the backend declares
 * {@link Capability#BF16_STORAGE} and the operands are bf16 (so it is not rounded per call); the weight is float32
 * and rounded per call, as a step's weights are. After timing, sampled entries of the result are checked against a
 * double-precision product of the same rounded operands: a product that computed nothing cannot report a peak.
 */
public final class GemmPeak {
    /**
     * Allowed error of a sampled entry, relative to {@code sum |x_k w_k|}: float32 accumulation of up to 16,384
     * rounded products (worst case about {@code n} float32 ulps, 16,384 x 6e-8 = 1e-3), with room for a blocked
     * reduction order. A wrong or skipped product is off by the entry's own magnitude.
     */
    static final double RELATIVE_TOLERANCE = 2e-3;
    private static final int SAMPLED_ROWS = 4;
    private static final int SAMPLED_COLUMNS = 16;

    /**
     * One measured product.
     *
     * @param flopsPerSecond {@code 2 n^3} over the best run's seconds
     * @param size           {@code n}
     * @param bestSeconds    the best run's seconds
     * @param description    what ran, e.g. {@code bf16 operands through cuda's matmul, 5 runs}
     */
    public record Result(double flopsPerSecond, int size, double bestSeconds, String description) {
    }

    private GemmPeak() {
    }

    /**
     * Measures {@code repeats} products of side {@code n} after one warm-up, on {@code backend}'s matmul at
     * {@code operands}, with the clock {@code nanos}.
     *
     * @throws IllegalArgumentException when {@code n} or {@code repeats} is below 1 or the product exceeds a tensor
     * @throws IllegalStateException    when the product's sampled entries are wrong (the peak would be invented)
     */
    public static Result measure(ComputeBackend backend, OperandFormat operands, int n, int repeats,
            LongSupplier nanos, long seed) {
        if (n < 1 || repeats < 1) {
            throw new IllegalArgumentException("GEMM peak: size and repeats must be positive, found " + n + " and "
                    + repeats);
        }
        long values = (long) n * n;
        if (values > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("GEMM peak: " + n + "^2 values exceed one tensor");
        }
        MatmulKernel matmul = backend.matmul(operands);
        boolean storedInput = operands == OperandFormat.BF16
                && backend.capabilities().contains(Capability.BF16_STORAGE);
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = rounded(random, (int) values, operands);
        float[] w = rounded(random, (int) values, operands);
        try (TensorScope scope = backend.openScope()) {
            Tensor xt = storedInput ? scope.allocate(values, OperandFormat.BF16) : scope.allocate(values);
            Tensor wt = scope.allocate(values);
            Tensor out = scope.allocate(values);
            xt.copyFromHost(x);
            wt.copyFromHost(w);
            matmul.forward(out, xt, wt, null, n, n, n); // warm-up: kernel selection, first touch
            backend.synchronize();
            long best = Long.MAX_VALUE;
            for (int r = 0; r < repeats; r++) {
                long start = nanos.getAsLong();
                matmul.forward(out, xt, wt, null, n, n, n);
                backend.synchronize();
                best = Math.min(best, nanos.getAsLong() - start);
            }
            check(out, x, w, n, random);
            double seconds = Math.max(best, 1) / 1e9;
            return new Result(2.0 * n * n * (double) n / seconds, n, seconds, operands.id() + " operands"
                    + (storedInput ? " (input stored bf16)" : "") + " through " + backend.name() + "'s matmul, best of "
                    + repeats);
        }
    }

    private static float[] rounded(SplittableRandom random, int count, OperandFormat operands) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) {
            v[i] = operands.round((float) (random.nextDouble() * 2 - 1));
        }
        return v;
    }

    /** Compares sampled entries of {@code out = x · wᵀ} with a double-precision product. */
    private static void check(Tensor out, float[] x, float[] w, int n, SplittableRandom random) {
        float[] row = new float[n];
        for (int s = 0; s < Math.min(SAMPLED_ROWS, n); s++) {
            int i = random.nextInt(n);
            out.copyToHost((long) i * n, row, 0, n);
            for (int t = 0; t < Math.min(SAMPLED_COLUMNS, n); t++) {
                int j = random.nextInt(n);
                double exact = 0;
                double magnitude = 0;
                for (int k = 0; k < n; k++) {
                    double p = (double) x[i * n + k] * w[j * n + k];
                    exact += p;
                    magnitude += Math.abs(p);
                }
                if (!(Math.abs(row[j] - exact) <= RELATIVE_TOLERANCE * magnitude + 1e-30)) {
                    throw new IllegalStateException(String.format(java.util.Locale.ROOT, "GEMM peak: the timed"
                            + " %d^3 product is wrong at (%d, %d): %s, expected %.6g (within %.1e of %.4g)", n, i, j,
                            row[j], exact, RELATIVE_TOLERANCE, magnitude));
                }
            }
        }
    }
}
