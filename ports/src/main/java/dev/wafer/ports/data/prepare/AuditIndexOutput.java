package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * The membership-audit index under construction: which training documents contain which word shingles. Pass 1
 * adds each training document's shingles in audit-id order; the store keeps memory bounded whatever the corpus
 * size (for example by spilling sorted runs to disk and merging them), so nothing here may assume the index fits
 * in memory.
 */
public interface AuditIndexOutput extends AutoCloseable {

    /**
     * Adds one training document.
     *
     * @param documentId its audit id: {@code 0, 1, 2, ...} in the order documents are added
     * @param shingles   its distinct shingle hashes, strictly ascending (signed order); may be empty
     * @throws IllegalArgumentException when the ids or the shingles are out of order
     */
    void add(int documentId, long[] shingles) throws IOException;

    /**
     * Adds pairs another process sorted (a rank's audit run, {@link RankExchange#auditPairs}), its ids already as
     * this index numbers them (distinct from every other document's); may be mixed with {@link #add} in any order,
     * since the index is merged by key and then id. The index closes {@code pairs} when it is done with them.
     */
    void addSorted(SortedPairCursor pairs) throws IOException;

    /**
     * Ends the additions: the store completes the index, possibly in the background while the caller goes on;
     * {@link #close()} waits for it.
     *
     * @param shingleWords words per shingle the hashes were made with
     * @param documents    training documents added (audit ids are {@code 0 .. documents-1})
     */
    void finish(int shingleWords, long documents) throws IOException;

    /**
     * As {@link #finish(int, long)}, leaving the documents of {@code removed} out of the index and numbering the
     * others densely in order (a document's id becomes its id minus the removed ids below it); deduplication decides
     * which documents go only after they were added.
     *
     * @param documents training documents kept, after the removals
     * @param removed   audit ids as added, strictly ascending
     */
    void finish(int shingleWords, long documents, int[] removed) throws IOException;

    /**
     * After {@link #finish}: waits until the index is stored and reports its failure. Without it (preparation
     * failed): discards what was built. Either way releases the scratch space.
     */
    @Override
    void close() throws IOException;
}
