package dev.wafer.domain.eval;

/**
 * One {@code loglikelihood(context, continuation)} request as text, exactly as it is tokenized and scored.
 *
 * @param docIndex     index of the document in the task's scored documents (file order)
 * @param context      the context string (empty means end-of-text)
 * @param continuation the continuation string, usually with its leading space
 */
public record HarnessRequest(int docIndex, String context, String continuation) {
}
