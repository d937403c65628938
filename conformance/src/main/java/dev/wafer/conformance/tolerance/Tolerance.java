package dev.wafer.conformance.tolerance;

/**
 * Accept {@code |actual - expected| <= abs + rel * |expected|}.
 *
 * @param abs absolute slack
 * @param rel relative slack
 * @param reason why this much slack is right (shown on failure)
 */
public record Tolerance(double abs, double rel, String reason) {
    /** Whether {@code actual} is acceptably close to {@code expected}. NaN is never close. */
    public boolean accepts(double expected, double actual) {
        double diff = Math.abs(actual - expected);
        return diff <= abs + rel * Math.abs(expected);
    }
}
