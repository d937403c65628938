package dev.wafer.domain.eval;

import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * The aggregations and standard errors of lm-evaluation-harness v0.3.0 {@code lm_eval/metrics.py}, with the same
 * arithmetic order (sums left to right) so that results match to the last bits.
 */
public final class HarnessMetrics {
    /** {@code evaluator.py} {@code evaluate(bootstrap_iters=100000)}: iterations for bootstrapped stderrs. */
    public static final int BOOTSTRAP_ITERS = 100_000;
    private static final int CHUNK = 1000;

    private HarnessMetrics() {
    }

    /** {@code metrics.mean}: {@code sum(arr) / len(arr)}. */
    public static double mean(double[] xs) {
        double sum = 0;
        for (double x : xs) {
            sum += x;
        }
        return sum / xs.length;
    }

    /** {@code metrics.sample_stddev}: standard deviation with Bessel's correction (n - 1). */
    public static double sampleStddev(double[] xs) {
        double mu = mean(xs);
        double sum = 0;
        for (double x : xs) {
            sum += (x - mu) * (x - mu);
        }
        return Math.sqrt(sum / (xs.length - 1));
    }

    /** {@code metrics.mean_stderr}: {@code sample_stddev(arr) / sqrt(len(arr))}; NaN below two values (Python divides by zero). */
    public static double meanStderr(double[] xs) {
        if (xs.length < 2) {
            return Double.NaN;
        }
        return sampleStddev(xs) / Math.sqrt(xs.length);
    }

    /** {@code metrics.perplexity}: {@code exp(-mean(items))} over per-document log-likelihoods. */
    public static double perplexity(double[] logLikelihoods) {
        return Math.exp(-mean(logLikelihoods));
    }

    /**
     * {@code metrics.bootstrap_stderr(f, xs, iters)}: {@code iters / 1000} chunks; chunk {@code i} seeds
     * {@code random.Random(i)} and draws 1000 resamples {@code rnd.choices(xs, k=len(xs))}; the result is the
     * {@code sample_stddev} of all {@code f(resample)} in chunk order ({@code _bootstrap_internal}). Python's
     * {@code choices} without weights picks {@code xs[floor(random() * n)]}. Chunks run in parallel; each has its own
     * generator, so the result does not depend on the thread count.
     */
    public static double bootstrapStderr(ToDoubleFunction<double[]> f, double[] xs, int iters) {
        int chunk = Math.min(CHUNK, iters);
        int chunks = iters / chunk;
        double[] res = new double[chunks * chunk];
        IntStream.range(0, chunks).parallel().forEach(i -> {
            PythonRandom rnd = new PythonRandom(i);
            double n = xs.length;
            double[] resample = new double[xs.length];
            for (int r = 0; r < chunk; r++) {
                for (int k = 0; k < resample.length; k++) {
                    resample[k] = xs[(int) Math.floor(rnd.random() * n)];
                }
                res[i * chunk + r] = f.applyAsDouble(resample);
            }
        });
        return sampleStddev(res);
    }
}
