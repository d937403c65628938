package dev.wafer.domain.eval;

/** Receives every loglikelihood request once scored, e.g. to write them for comparison with the harness. */
@FunctionalInterface
public interface RequestLog {
    /** A log that drops everything. */
    RequestLog NONE = (task, request, contextTokens, continuationTokens, score) -> { };

    /**
     * Called once per request, in document order (then request order within a document), after its task is scored.
     *
     * @param task               the task's name
     * @param request            the request's text, exactly as tokenized
     * @param contextTokens      the context's ids before left truncation ([end-of-text] for an empty context)
     * @param continuationTokens the continuation's ids
     * @param score              what the model returned
     */
    void scored(String task, HarnessRequest request, int[] contextTokens, int[] continuationTokens,
            ContinuationScore score);

    /** A log that tells this one, then {@code next}. */
    default RequestLog andThen(RequestLog next) {
        return (task, request, ctx, cont, score) -> {
            scored(task, request, ctx, cont, score);
            next.scored(task, request, ctx, cont, score);
        };
    }
}
