package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * Scores several requests, each exactly as {@link #score} would (to float32 rounding); a batching scorer runs
     * them in one forward pass. The default scores them one at a time.
     *
     * @param batch requests whose rows fit {@link #batchTokens()}: {@code batch.size() · max(inputLength) <=
     *              batchTokens()} (see {@link LoglikelihoodRequest#inputLength()}), or a single request
     * @return one score per request, in order
     */
    default List<ContinuationScore> scoreBatch(List<LoglikelihoodRequest> batch) {
        List<ContinuationScore> out = new ArrayList<>(batch.size());
        for (LoglikelihoodRequest r : batch) {
            out.add(r.scoreWith(this));
        }
        return out;
    }

    /**
     * How many input positions one {@link #scoreBatch} call takes: rows times the longest row. The default, 1,
     * makes batches of one request.
     */
    default int batchTokens() {
        return 1;
    }
}
