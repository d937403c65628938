package dev.wafer.domain.eval;

/**
 * How a model scores a continuation.
 *
 * @param logLikelihood sum over the continuation tokens of log softmax(logits)[token], in nats (at most 0)
 * @param greedy        whether every continuation token is the argmax at its position
 */
public record ContinuationScore(double logLikelihood, boolean greedy) {
    /** Rejects NaN and positive log-likelihoods, which no softmax produces. */
    public ContinuationScore {
        if (Double.isNaN(logLikelihood) || logLikelihood > 0) {
            throw new IllegalArgumentException("a log-likelihood must be <= 0, got " + logLikelihood);
        }
    }
}
