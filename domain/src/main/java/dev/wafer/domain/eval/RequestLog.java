package dev.wafer.domain.eval;

/** Receives every loglikelihood request as it is scored, e.g. to write them for comparison with the harness. */
@FunctionalInterface
public interface RequestLog {
    /** A log that drops everything. */
    RequestLog NONE = (task, request, score) -> { };

    /**
     * Called once per request, in scoring order.
     *
     * @param task    the task's name
     * @param request the request's text, exactly as tokenized
     * @param score   what the model returned
     */
    void scored(String task, HarnessRequest request, ContinuationScore score);

    /** A log that tells this one, then {@code next}. */
    default RequestLog andThen(RequestLog next) {
        return (task, request, score) -> {
            scored(task, request, score);
            next.scored(task, request, score);
        };
    }
}
