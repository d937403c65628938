package dev.wafer.domain.audit;

import java.util.Objects;

/**
 * One sampled window, read: its P + S tokens and the corpus document its continuation comes from.
 *
 * @param document  index into the plan's documents ({@link AuditPlan#documents()})
 * @param tokens    the prefix followed by the true continuation
 * @param row       the packed row it was read from, or -1 for a window of a document at any offset
 * @param timesSeen times the trainer fed that row to the model ({@link TrainedRows}), or -1 when unknown
 * @param copies    occurrences in the train split of the tokens {@link SplitOccurrences} counted for it (the
 *                  continuation of a row, the whole window of a text), or -1 when not counted
 */
public record AuditSample(int document, int[] tokens, long row, long timesSeen, long copies) {
    /** Rejects null tokens and a negative document index; the tokens array is kept, not copied. */
    public AuditSample {
        Objects.requireNonNull(tokens, "tokens");
        if (document < 0) {
            throw new IllegalArgumentException("document must be >= 0, found " + document);
        }
    }

    /** A window of a document at any offset, not counted. */
    public AuditSample(int document, int[] tokens) {
        this(document, tokens, -1, -1, -1);
    }

    /** This sample with its copies counted. */
    public AuditSample withCopies(long count) {
        return new AuditSample(document, tokens, row, timesSeen, count);
    }
}
