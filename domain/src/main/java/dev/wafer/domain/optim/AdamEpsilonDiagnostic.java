package dev.wafer.domain.optim;

/**
 * The paper's rule of thumb for Adam's epsilon: it should stay below {@code sqrt(mean(v)) / 1000}, where
 * {@code v} is a tensor's second-moment estimate. Larger, epsilon dominates the denominator and damps the update
 * (why 6.7B and 13B moved to 1e-9).
 */
public final class AdamEpsilonDiagnostic {
    /** The margin the rule asks for between epsilon and the typical root second moment. */
    public static final double RULE_FACTOR = 1000.0;

    private AdamEpsilonDiagnostic() {
    }

    /**
     * The verdict for one tensor.
     *
     * @param tensor      the tensor's name
     * @param rootMeanV   {@code sqrt(mean(v))}
     * @param epsilon     Adam's epsilon
     * @param limit       {@code rootMeanV / 1000}
     * @param ok          whether {@code epsilon < limit}
     */
    public record Verdict(String tensor, double rootMeanV, double epsilon, double limit, boolean ok) {
    }

    /** Checks {@code epsilon} against the second moments {@code v} of tensor {@code name}. */
    public static Verdict check(String name, float[] v, double epsilon) {
        if (v.length == 0) {
            throw new IllegalArgumentException("tensor " + name + " has no second moments to check");
        }
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        double root = Math.sqrt(sum / v.length);
        double limit = root / RULE_FACTOR;
        return new Verdict(name, root, epsilon, limit, epsilon < limit);
    }
}
