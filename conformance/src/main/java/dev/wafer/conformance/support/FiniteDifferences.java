package dev.wafer.conformance.support;

import java.util.Random;
import java.util.function.ToDoubleFunction;

import dev.wafer.conformance.tolerance.Tolerances;

/**
 * Central finite differences in double: {@code (L(x + h eᵢ) - L(x - h eᵢ)) / 2h}. Used to check a backend's
 * backward against the derivative of the reference forward, independently of the reference backward.
 */
public final class FiniteDifferences {
    /** Step; with double arithmetic the truncation (h²) and roundoff (ε/h) errors are both ~1e-10. */
    public static final double H = 1e-5;

    private FiniteDifferences() {
    }

    /**
     * Checks {@code analytic[i] ≈ ∂loss/∂x[i]} at up to {@code maxProbes} indices (all of them if there are fewer).
     * {@code x} is perturbed in place and restored.
     */
    public static void check(String what, long seed, double[] x, ToDoubleFunction<double[]> loss, float[] analytic,
                             int maxProbes) {
        int probes = Math.min(maxProbes, x.length);
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        double[] fd = new double[probes];
        float[] an = new float[probes];
        for (int p = 0; p < probes; p++) {
            int i = probes == x.length ? p : rnd.nextInt(x.length);
            double saved = x[i];
            x[i] = saved + H;
            double plus = loss.applyAsDouble(x);
            x[i] = saved - H;
            double minus = loss.applyAsDouble(x);
            x[i] = saved;
            fd[p] = (plus - minus) / (2 * H);
            an[p] = analytic[i];
        }
        Check.close(what + " vs finite differences", seed, Tolerances.FINITE_DIFFERENCE, fd, an);
    }

    /** Σ w[i]·y[i]: the scalar whose gradient with respect to y is w. */
    public static double dot(double[] w, double[] y) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * y[i];
        }
        return s;
    }
}
