package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.conformance.tolerance.Tolerance;
import dev.wafer.conformance.tolerance.Tolerances;
import org.junit.jupiter.api.Test;

/**
 * The vectorised exact GELU against an independent double-precision reference (erf by its Taylor series, erfc by
 * its continued fraction in the tails) on a dense grid over [-16, 16], step 2^-12, lanes and scalar tails alike:
 * the absolute-plus-relative GELU tolerance everywhere, and a relative bound in the negative tail [-12, -4], where an
 * {@code 1 + erf} formulation would cancel to zero.
 */
class VectorGeluTest {
    private static final double STEP = 1.0 / 4096;
    private static final double LIMIT = 16;

    /** erf(z) by its Maclaurin series (|z| <= 2: terms stay below e^4, so 1 - erf keeps ~12 digits). */
    private static double erfSeries(double z) {
        double term = z;
        double sum = z;
        for (int n = 1; n < 200; n++) {
            term *= -z * z / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-18 * Math.abs(sum)) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /** erfc(z) for z >= 2 by the continued fraction {@code exp(-z²)/√π · 1/(z + 1/2/(z + 1/(z + 3/2/...)))}. */
    private static double erfcFraction(double z) {
        double f = z;
        for (int k = 200; k >= 1; k--) {
            f = z + k / 2.0 / f;
        }
        return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
    }

    /** Φ(x) in double. */
    static double phi(double x) {
        double z = Math.abs(x) / Math.sqrt(2);
        double upper = z <= 2 ? 1 - erfSeries(z) : erfcFraction(z); // erfc(|x|/√2)
        return x >= 0 ? 1 - 0.5 * upper : 0.5 * upper;
    }

    private static float[] grid() {
        int n = (int) (2 * LIMIT / STEP) + 1 + 5; // + 5: the last values run the scalar tail
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-LIMIT + i * STEP);
        }
        return x;
    }

    @Test
    void forwardAndBackwardMatchTheDoubleReferenceOnADenseGrid() {
        float[] x = grid();
        float[] y = new float[x.length];
        float[] g = new float[x.length];
        float[] d = new float[x.length];
        java.util.Arrays.fill(g, 1f);
        VectorGelu.forward(x, 0, y, 0, 0, x.length);
        VectorGelu.backward(d, 0, x, 0, g, 0, 0, x.length, new float[VectorGelu.BLOCK]);
        Tolerance tol = Tolerances.GELU;
        Tolerance tail = Tolerances.GELU_NEGATIVE_TAIL;
        double worstTail = 0;
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double p = phi(v);
            double gelu = v * p;
            double grad = p + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
            assertTrue(tol.accepts(gelu, y[i]), "gelu(" + v + ") = " + y[i] + ", expected " + gelu + ": "
                    + tol.reason());
            assertTrue(tol.accepts(grad, d[i]), "gelu'(" + v + ") = " + d[i] + ", expected " + grad + ": "
                    + tol.reason());
            // Down to -12: below, Φ(x) < 2e-33 and the float exp's argument reaches its clamp (-87) near -13.
            if (v <= -4 && v >= -12) {
                worstTail = Math.max(worstTail, Math.abs(y[i] - gelu) / Math.abs(gelu));
                assertTrue(tail.accepts(gelu, y[i]), "gelu(" + v + ") = " + y[i] + ", expected " + gelu + ": "
                        + tail.reason());
            }
        }
        System.out.println("VectorGeluTest: worst relative error of gelu(x), -12 <= x <= -4: " + worstTail);
    }

    @Test
    void theReferenceItselfIsConsistentWhereSeriesAndFractionMeet() {
        // erf by the series and erfc by the fraction agree around z = 2, where phi switches from one to the other.
        for (double z : new double[] {1.75, 2, 2.25}) {
            double a = 1 - erfSeries(z);
            double b = erfcFraction(z);
            assertTrue(Math.abs(a - b) <= 1e-9 * b, z + ": " + a + " vs " + b);
        }
    }
}
