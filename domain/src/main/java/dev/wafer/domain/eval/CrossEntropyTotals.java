package dev.wafer.domain.eval;

/**
 * A running total of cross-entropy: nats and the number of target tokens they cover. Totals add across windows,
 * files and workers, and the mean is taken once at the end, so every token weighs the same (a mean of per-window
 * means would overweight short windows).
 *
 * @param nats   summed cross-entropy in nats
 * @param tokens number of predicted tokens
 */
public record CrossEntropyTotals(double nats, long tokens) {
    /** No tokens yet. */
    public static final CrossEntropyTotals ZERO = new CrossEntropyTotals(0, 0);

    /** Rejects negative or non-finite totals. */
    public CrossEntropyTotals {
        if (tokens < 0 || !(nats >= 0) || Double.isInfinite(nats)) {
            throw new IllegalArgumentException("invalid cross-entropy totals: " + nats + " nats over " + tokens + " tokens");
        }
    }

    /** These totals plus another window's. */
    public CrossEntropyTotals plus(double windowNats, long windowTokens) {
        return new CrossEntropyTotals(nats + windowNats, tokens + windowTokens);
    }

    /** These totals plus other totals. */
    public CrossEntropyTotals plus(CrossEntropyTotals other) {
        return plus(other.nats, other.tokens);
    }

    /** Mean cross-entropy in nats per token: the paper's upstream loss. */
    public double natsPerToken() {
        if (tokens == 0) {
            throw new IllegalStateException("no tokens were scored");
        }
        return nats / tokens;
    }
}
