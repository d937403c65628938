package dev.wafer.domain.data.prepare;

/**
 * A rank of a multi-rank preparation could not complete pass 1 (its results could not be written, or it failed
 * outright) or its share of pass 2, so no rank goes on; thrown on every rank, naming the first rank that failed and why.
 */
public final class RankFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The reason the other ranks give when the failed rank could not write it where they read it (the shared --out
     * directory read-only or full for that rank): the failed rank itself prints its own.
     */
    public static final String UNRECORDED = "its reason could not be written to the shared output directory (a"
            + " read-only or full file system there?); that rank's own line names it";

    /** The rank that failed. */
    private final int rank;

    /**
     * Carries the failed rank and its reason, for a failure while reading its inputs.
     *
     * @param rank   the failed rank
     * @param reason what it reported
     */
    public RankFailedException(int rank, String reason) {
        this(rank, reason, "reading its inputs");
    }

    /**
     * Carries the failed rank, its reason and what it was doing.
     *
     * @param rank   the failed rank
     * @param reason what it reported
     * @param doing  what it was doing, e.g. {@code packing its share}
     */
    public RankFailedException(int rank, String reason, String doing) {
        super("rank " + rank + " failed while " + doing + ": " + reason);
        this.rank = rank;
    }

    /** The rank that failed. */
    public int rank() {
        return rank;
    }
}
