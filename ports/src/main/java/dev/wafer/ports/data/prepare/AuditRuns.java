package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * One rank's share of the membership-audit index in a multi-rank preparation: the rank adds its training
 * documents' shingles under rank-local audit ids, and the store sorts them into runs that outlive the rank, for
 * rank 0 to merge into the index with the ids offset ({@link RankExchange#auditPairs},
 * {@link AuditIndexOutput#addSorted}). Memory stays bounded: full buffers are sorted and spilled.
 */
public interface AuditRuns {

    /**
     * Adds one training document.
     *
     * @param documentId its rank-local audit id, ascending across calls
     * @param shingles   its distinct shingle hashes, strictly ascending (signed order); may be empty
     */
    void add(int documentId, long[] shingles) throws IOException;

    /** Ends the additions: sorts what is buffered into a last run, so every pair is in a run rank 0 can read. */
    void finishWriting() throws IOException;
}
