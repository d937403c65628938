package dev.wafer.domain.scaling;

/**
 * Least-squares fit of {@code L(f) = a * f^b + c} to (FLOPs, loss) points.
 *
 * <p>Why variable projection: for a fixed exponent {@code b} the model is linear in {@code a} and {@code c}, so
 * those have a closed form; only {@code b} needs a one-dimensional search (a coarse scan, then golden-section
 * refinement). This has no starting-point sensitivity, unlike Gauss-Newton on all three parameters, and FLOPs
 * spanning ten orders of magnitude cause no scaling trouble because {@code f^b} is computed as
 * {@code exp(b ln f)}.
 */
public final class PowerLawFit {
    private static final double B_MIN = -3.0;
    private static final double B_MAX = -1e-4;
    private static final int SCAN_POINTS = 600;
    /** How close to a bound the refined exponent counts as on it (the refinement stops within 1e-12). */
    private static final double BOUND_TOLERANCE = 1e-6;
    private static final int REFINE_ITERATIONS = 200;

    private PowerLawFit() {
    }

    /**
     * The fitted law with each point's residual.
     *
     * @param law        fitted parameters
     * @param residuals  loss minus prediction, per point, in input order
     * @param rmsResidual root-mean-square of the residuals
     * @param relativeDeviations residual divided by prediction, per point (the paper's Figure 5 measure)
     */
    public record Result(PowerLaw law, double[] residuals, double rmsResidual, double[] relativeDeviations) {
    }

    /**
     * Fits the law. Needs at least three points with positive FLOPs and finite losses.
     *
     * @throws IllegalArgumentException naming the offending point
     */
    public static Result fit(double[] flops, double[] losses) {
        if (flops.length != losses.length) {
            throw new IllegalArgumentException("flops and losses differ in length: " + flops.length + " vs "
                    + losses.length);
        }
        if (flops.length < 3) {
            throw new IllegalArgumentException("fitting a*f^b+c needs at least 3 points, found " + flops.length);
        }
        double[] logF = new double[flops.length];
        for (int i = 0; i < flops.length; i++) {
            if (!(flops[i] > 0) || Double.isInfinite(flops[i])) {
                throw new IllegalArgumentException("point " + i + ": FLOPs must be positive and finite, found "
                        + flops[i]);
            }
            if (!Double.isFinite(losses[i])) {
                throw new IllegalArgumentException("point " + i + ": loss must be finite, found " + losses[i]);
            }
            logF[i] = Math.log(flops[i]);
        }
        double bestB = B_MIN;
        double bestSse = Double.POSITIVE_INFINITY;
        for (int k = 0; k <= SCAN_POINTS; k++) {
            double b = B_MIN + (B_MAX - B_MIN) * k / SCAN_POINTS;
            double sse = linearSolve(b, logF, losses)[2];
            if (sse < bestSse) {
                bestSse = sse;
                bestB = b;
            }
        }
        double step = (B_MAX - B_MIN) / SCAN_POINTS;
        double lo = Math.max(B_MIN, bestB - step);
        double hi = Math.min(B_MAX, bestB + step);
        double phi = (Math.sqrt(5) - 1) / 2;
        double x1 = hi - phi * (hi - lo);
        double x2 = lo + phi * (hi - lo);
        double f1 = linearSolve(x1, logF, losses)[2];
        double f2 = linearSolve(x2, logF, losses)[2];
        for (int it = 0; it < REFINE_ITERATIONS && hi - lo > 1e-12; it++) {
            if (f1 < f2) {
                hi = x2;
                x2 = x1;
                f2 = f1;
                x1 = hi - phi * (hi - lo);
                f1 = linearSolve(x1, logF, losses)[2];
            } else {
                lo = x1;
                x1 = x2;
                f1 = f2;
                x2 = lo + phi * (hi - lo);
                f2 = linearSolve(x2, logF, losses)[2];
            }
        }
        double b = (lo + hi) / 2;
        double[] ac = linearSolve(b, logF, losses);
        PowerLaw law = new PowerLaw(ac[0], b, ac[1]);
        double[] residuals = new double[flops.length];
        double[] relative = new double[flops.length];
        double sse = 0;
        for (int i = 0; i < flops.length; i++) {
            double predicted = law.lossAt(flops[i]);
            residuals[i] = losses[i] - predicted;
            relative[i] = residuals[i] / predicted;
            sse += residuals[i] * residuals[i];
        }
        return new Result(law, residuals, Math.sqrt(sse / flops.length), relative);
    }

    /**
     * Why a fitted law is no result, or empty when it is one: an exponent on the search's bound (the data would take
     * it further: too few or too close sizes, or too few tokens for the losses to fall as a power law), a
     * coefficient {@code a <= 0} (loss rising with compute, or not depending on it, which no exponent makes a
     * scaling law) or a negative irreducible loss {@code c}.
     */
    public static java.util.Optional<String> degeneracy(PowerLaw law) {
        if (law.b() - B_MIN < BOUND_TOLERANCE || B_MAX - law.b() < BOUND_TOLERANCE) {
            return java.util.Optional.of("the exponent b = " + law.b() + " is on the fit's bound [" + B_MIN + ", "
                    + B_MAX + "]");
        }
        if (!(law.a() > 0)) {
            return java.util.Optional.of("the coefficient a = " + law.a() + " is not positive: the loss does not fall"
                    + " with compute");
        }
        if (law.c() < 0) {
            return java.util.Optional.of("the irreducible loss c = " + law.c() + " is negative");
        }
        return java.util.Optional.empty();
    }

    /** For fixed b: least-squares a and c of {@code y = a x + c} with {@code x = f^b}; returns {a, c, sse}. */
    private static double[] linearSolve(double b, double[] logF, double[] y) {
        int n = y.length;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = Math.exp(b * logF[i]);
            sx += x[i];
            sy += y[i];
            sxx += x[i] * x[i];
            sxy += x[i] * y[i];
        }
        double det = n * sxx - sx * sx;
        double a;
        double c;
        if (Math.abs(det) <= 1e-300 * Math.max(1, sxx)) {
            a = 0;
            c = sy / n;
        } else {
            a = (n * sxy - sx * sy) / det;
            c = (sy - a * sx) / n;
        }
        double sse = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - (a * x[i] + c);
            sse += r * r;
        }
        return new double[] {a, c, sse};
    }
}
