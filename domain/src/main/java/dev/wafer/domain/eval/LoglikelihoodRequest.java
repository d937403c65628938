package dev.wafer.domain.eval;

/**
 * Token ids ready for a {@link LogLikelihoodScorer}: the context already truncated on the left so that
 * {@code context.length + continuation.length <= maxLength + 1}.
 *
 * @param context      context tokens, never empty
 * @param continuation continuation tokens, never empty
 */
public record LoglikelihoodRequest(int[] context, int[] continuation) {
    /** Rejects empty parts and copies the arrays. */
    public LoglikelihoodRequest {
        if (context.length == 0 || continuation.length == 0) {
            throw new IllegalArgumentException("context and continuation must both have tokens");
        }
        context = context.clone();
        continuation = continuation.clone();
    }

    /** Context tokens; a copy. */
    @Override
    public int[] context() {
        return context.clone();
    }

    /** Continuation tokens; a copy. */
    @Override
    public int[] continuation() {
        return continuation.clone();
    }

    /** Tokens the model reads: context and continuation without the last token. */
    public int inputLength() {
        return context.length + continuation.length - 1;
    }

    /** Asks the scorer. */
    public ContinuationScore scoreWith(LogLikelihoodScorer scorer) {
        return scorer.score(context.clone(), continuation.clone());
    }
}
