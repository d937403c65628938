package dev.wafer.domain.audit;

import java.util.Objects;

/**
 * One sampled window, read: its P + S tokens and the corpus document its continuation comes from.
 *
 * @param document index into the corpus's documents
 * @param tokens   the prefix followed by the true continuation
 */
public record AuditSample(int document, int[] tokens) {
    public AuditSample {
        Objects.requireNonNull(tokens, "tokens");
        if (document < 0) {
            throw new IllegalArgumentException("document must be >= 0, found " + document);
        }
    }
}
