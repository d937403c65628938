package dev.wafer.domain.data.prepare;

import java.util.List;

import dev.wafer.domain.data.Exclusion;

/**
 * Preparation found nothing to keep: the input held no document, or the rules excluded every one. Thrown after
 * reading and before anything is packed, so no empty dataset is written.
 */
public final class NoDocumentsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<Exclusion> exclusions;
    /** Malformed records skipped. */
    private final long malformed;

    /**
     * Carries the exclusions and the malformed count; the message says whether the input was empty or all excluded.
     *
     * @param exclusions every document read, each with the rule that excluded it
     * @param malformed  malformed records skipped
     */
    public NoDocumentsException(List<Exclusion> exclusions, long malformed) {
        super(exclusions.isEmpty() ? "the input holds no documents" + (malformed > 0 ? " (" + malformed
                + " malformed records skipped)" : "") : "all " + exclusions.size() + " documents were excluded");
        this.exclusions = List.copyOf(exclusions);
        this.malformed = malformed;
    }

    /** Every document read, with the rule that excluded it. */
    public List<Exclusion> exclusions() {
        return exclusions;
    }

    /** Malformed records skipped. */
    public long malformed() {
        return malformed;
    }
}
