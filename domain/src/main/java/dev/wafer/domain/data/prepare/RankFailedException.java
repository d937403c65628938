package dev.wafer.domain.data.prepare;

/**
 * A rank of a multi-rank preparation could not complete pass 1 (its results could not be written, or it failed
 * outright), so no rank goes on; thrown on every rank, naming the first rank that failed and why.
 */
public final class RankFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int rank;

    /**
     * @param rank   the failed rank
     * @param reason what it reported
     */
    public RankFailedException(int rank, String reason) {
        super("rank " + rank + " failed while reading its inputs: " + reason);
        this.rank = rank;
    }

    /** The rank that failed. */
    public int rank() {
        return rank;
    }
}
