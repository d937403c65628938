package dev.wafer.domain.data.prepare;

/**
 * Preparation found nothing to keep: the input held no document, or the rules excluded every one. Thrown after
 * reading and before anything is packed, so no empty dataset is written.
 */
public final class NoDocumentsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ExclusionTally exclusions;
    /** Malformed records skipped. */
    private final long malformed;

    /**
     * Carries the exclusions and the malformed count; the message says whether the input was empty or all excluded.
     *
     * @param exclusions every document read, counted by the rule that excluded it
     * @param malformed  malformed records skipped
     */
    public NoDocumentsException(ExclusionTally exclusions, long malformed) {
        super(exclusions.count() == 0 ? "the input holds no documents" + (malformed > 0 ? " (" + malformed
                + " malformed records skipped)" : "") : "all " + exclusions.count() + " documents were excluded");
        this.exclusions = exclusions;
        this.malformed = malformed;
    }

    /** Every document read, counted by the rule that excluded it. */
    public ExclusionTally exclusions() {
        return exclusions;
    }

    /** Malformed records skipped. */
    public long malformed() {
        return malformed;
    }
}
