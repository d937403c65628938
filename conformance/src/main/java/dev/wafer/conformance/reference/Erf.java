package dev.wafer.conformance.reference;

/** The error function in double precision (the JDK has none). Accurate to about 1e-15 absolute. */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2.0 / Math.sqrt(Math.PI);

    private Erf() {
    }

    /** erf(x). */
    public static double erf(double x) {
        double ax = Math.abs(x);
        double r;
        if (ax < 1.5) {
            // erf(x) = 2/√π · e^{-x²} · Σ 2ⁿ x^{2n+1} / (1·3·…·(2n+1)); every term is positive, so no cancellation.
            double term = ax;
            double sum = ax;
            double x2 = ax * ax;
            for (int n = 1; n < 200 && term > 1e-18 * sum; n++) {
                term *= 2.0 * x2 / (2 * n + 1);
                sum += term;
            }
            r = TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
        } else {
            r = 1.0 - erfcContinuedFraction(ax);
        }
        return x < 0 ? -r : r;
    }

    /** erfc(x) for x >= 1.5 by its continued fraction, evaluated from the tail (200 terms: converged to 1 ulp there). */
    private static double erfcContinuedFraction(double x) {
        double f = x;
        for (int k = 200; k >= 1; k--) {
            f = x + (k / 2.0) / f;
        }
        return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
    }

    /** Standard normal CDF Φ(x) = (1 + erf(x/√2))/2, with the lower tail computed without cancellation. */
    public static double phi(double x) {
        double z = -x / Math.sqrt(2.0);
        if (z >= 1.5) {
            return 0.5 * erfcContinuedFraction(z);
        }
        return 0.5 * (1.0 + erf(x / Math.sqrt(2.0)));
    }
}
