package dev.wafer.domain.audit;

/**
 * How a generated continuation compares with the true one, token by token.
 *
 * @param length       tokens compared (the suffix length S)
 * @param matched      positions where the generated token equals the true token
 * @param longestMatch tokens reproduced verbatim from the start of the continuation, up to the first divergence (the
 *                     run that greedy extraction yields; after a divergence the model continues its own text, so
 *                     later agreements are not counted in it)
 */
public record ContinuationMatch(int length, int matched, int longestMatch) {
    /**
     * Checks the counts are consistent: at least one position compared, no more matches than positions and a
     * longest match no longer than the matches.
     */
    public ContinuationMatch {
        if (length < 1 || matched < 0 || matched > length || longestMatch < 0 || longestMatch > matched) {
            throw new IllegalArgumentException("inconsistent match: length " + length + ", matched " + matched
                    + ", longest " + longestMatch);
        }
    }

    /**
     * Compares {@code generated} with {@code truth}, position by position.
     *
     * @throws IllegalArgumentException when the lengths differ or are zero
     */
    public static ContinuationMatch of(int[] truth, int[] generated) {
        if (truth.length != generated.length || truth.length == 0) {
            throw new IllegalArgumentException("continuations of " + truth.length + " and " + generated.length
                    + " tokens cannot be compared; both need the same length, at least 1");
        }
        int matched = 0;
        int leading = 0;
        boolean diverged = false;
        for (int i = 0; i < truth.length; i++) {
            if (truth[i] == generated[i]) {
                matched++;
                if (!diverged) {
                    leading++;
                }
            } else {
                diverged = true;
            }
        }
        return new ContinuationMatch(truth.length, matched, leading);
    }

    /** The extractable-memorization criterion: every generated token equals the true continuation. */
    public boolean exact() {
        return matched == length;
    }

    /** Fraction of positions that match, in [0, 1]. */
    public double matchRate() {
        return (double) matched / length;
    }
}
