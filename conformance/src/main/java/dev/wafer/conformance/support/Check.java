package dev.wafer.conformance.support;

import static org.junit.jupiter.api.Assertions.fail;

import dev.wafer.conformance.tolerance.Tolerance;

/** Tolerant element-wise comparison whose failure message names the tensor, the worst element and the seed. */
public final class Check {
    private Check() {
    }

    /** Fails unless every {@code actual[i]} is within {@code tol} of {@code expected[i]}. */
    public static void close(String what, long seed, Tolerance tol, double[] expected, float[] actual) {
        double[] a = new double[actual.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = actual[i];
        }
        close(what, seed, tol, expected, a);
    }

    /** Fails unless every {@code actual[i]} is within {@code tol} of {@code expected[i]}. */
    public static void close(String what, long seed, Tolerance tol, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length + " (seed " + seed + ")");
        }
        int worst = -1;
        double worstExcess = 0;
        int bad = 0;
        for (int i = 0; i < expected.length; i++) {
            if (!tol.accepts(expected[i], actual[i])) {
                bad++;
                double excess = Math.abs(actual[i] - expected[i]) - tol.abs() - tol.rel() * Math.abs(expected[i]);
                if (worst < 0 || !(excess <= worstExcess)) {
                    worst = i;
                    worstExcess = excess;
                }
            }
        }
        if (worst >= 0) {
            fail(String.format("%s: %d of %d elements out of tolerance; worst [%d] expected %.9g actual %.9g "
                            + "(|diff| %.3g, allowed abs %.1g + rel %.1g: %s); seed %d (rerun with -Dwafer.seed to vary)",
                    what, bad, expected.length, worst, expected[worst], actual[worst],
                    Math.abs(actual[worst] - expected[worst]), tol.abs(), tol.rel(), tol.reason(), seed));
        }
    }

    /** Fails unless {@code actual} is within {@code tol} of {@code expected}. */
    public static void close(String what, long seed, Tolerance tol, double expected, double actual) {
        close(what, seed, tol, new double[] {expected}, new double[] {actual});
    }
}
