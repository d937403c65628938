package dev.wafer.domain.audit;

/**
 * One sampled window: tokens {@code start .. start + P + S - 1} of a corpus document.
 *
 * @param document index into the corpus's documents
 * @param start    first token of the prefix
 */
public record AuditWindow(int document, int start) {
    /** Rejects a negative document index or start. */
    public AuditWindow {
        if (document < 0 || start < 0) {
            throw new IllegalArgumentException("document " + document + " and start " + start + " must be >= 0");
        }
    }
}
