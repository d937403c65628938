package dev.wafer.domain.profile;

import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The memory bandwidth a streaming kernel reaches on any backend, through its own residual add ({@code out = a + b}
 * over {@code n} float32 values: {@code 12 n} bytes read and written), timed between
 * {@link ComputeBackend#synchronize()} calls, best of a few after a warm-up. It is the roof the element-wise kernels of
 * a step can reach here (a GPU's HBM, the CPU's DRAM), the denominator of a profiled kernel's "share of stream": a
 * kernel far below it moves its bytes badly (uncoalesced, serial, or bound by arithmetic), one near it is done.
 *
 * <p>After timing, sampled entries are checked against the same float sums computed here: a kernel that computed
 * nothing cannot report a bandwidth.
 */
public final class StreamBandwidth {
    private static final int SAMPLES = 64;

    /**
     * One measurement.
     *
     * @param bytesPerSecond {@code 12 n} bytes over the best run's seconds
     * @param values         {@code n}, the values in each of the three tensors
     * @param bestSeconds    the best run's seconds
     * @param description    what ran, e.g. {@code cuda's residual add over 3 x 128 MiB, best of 5}
     */
    public record Result(double bytesPerSecond, long values, double bestSeconds, String description) {
    }

    private StreamBandwidth() {
    }

    /**
     * Measures {@code repeats} residual adds of {@code n} values after one warm-up on {@code backend}, with the clock
     * {@code nanos}.
     *
     * @throws IllegalArgumentException when {@code n} or {@code repeats} is below 1 or {@code n} exceeds a tensor
     * @throws IllegalStateException    when sampled sums are wrong (the bandwidth would be invented)
     */
    public static Result measure(ComputeBackend backend, int n, int repeats, LongSupplier nanos, long seed) {
        if (n < 1 || repeats < 1) {
            throw new IllegalArgumentException("stream bandwidth: values and repeats must be positive, found " + n
                    + " and " + repeats);
        }
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            // Cheap, exactly representable and varied: no random draws for hundreds of millions of values.
            a[i] = (i % 1021) * 0.25f;
            b[i] = (i % 509) * -0.125f;
        }
        try (TensorScope scope = backend.openScope()) {
            Tensor at = scope.allocate(n);
            Tensor bt = scope.allocate(n);
            Tensor out = scope.allocate(n);
            at.copyFromHost(a);
            bt.copyFromHost(b);
            backend.residual().forward(out, at, bt, n); // warm-up: first touch, first launch
            backend.synchronize();
            long best = Long.MAX_VALUE;
            for (int r = 0; r < repeats; r++) {
                long start = nanos.getAsLong();
                backend.residual().forward(out, at, bt, n);
                backend.synchronize();
                best = Math.min(best, nanos.getAsLong() - start);
            }
            check(out, a, b, n, new SplittableRandom(seed));
            double seconds = Math.max(best, 1) / 1e9;
            return new Result(12.0 * n / seconds, n, seconds, String.format(java.util.Locale.ROOT,
                    "%s's residual add over 3 x %.3g MiB, best of %d", backend.name(), 4.0 * n / (1 << 20), repeats));
        }
    }

    private static void check(Tensor out, float[] a, float[] b, int n, SplittableRandom random) {
        float[] one = new float[1];
        for (int s = 0; s < Math.min(SAMPLES, n); s++) {
            int i = s == 0 ? n - 1 : random.nextInt(n);
            out.copyToHost(i, one, 0, 1);
            if (Float.floatToIntBits(one[0]) != Float.floatToIntBits(a[i] + b[i])) {
                throw new IllegalStateException("stream bandwidth: the timed residual add is wrong at " + i + ": "
                        + one[0] + ", expected " + (a[i] + b[i]));
            }
        }
    }
}
