package dev.wafer.domain.eval;

/**
 * What the model must provide for downstream tasks: the log-likelihood of a continuation given a context.
 *
 * <p>Contract (lm-evaluation-harness {@code _loglikelihood_tokens}): the model runs one causal forward pass over
 * {@code context ++ continuation} without its last token (at most the model's maximum length, because requests are
 * already truncated by {@link RequestBuilder}); the logits at position {@code context.length - 1 + j} score
 * {@code continuation[j]}. The result sums log softmax over the continuation tokens and says whether each was the
 * argmax.
 */
@FunctionalInterface
public interface LogLikelihoodScorer {
    /**
     * Scores {@code continuation} after {@code context}.
     *
     * @param context      at least one token (an empty text context has already become the end-of-text token)
     * @param continuation at least one token
     */
    ContinuationScore score(int[] context, int[] continuation);
}
