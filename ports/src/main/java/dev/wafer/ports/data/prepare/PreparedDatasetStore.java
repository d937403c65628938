package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * Where a dataset being prepared is stored: its token shards, the list of its packed documents, its
 * membership-audit index, and the scratch space of the shuffle between the two passes. One store holds one
 * dataset; the preparation use case calls it from one thread.
 */
public interface PreparedDatasetStore {

    /**
     * Opens empty scratch space for the shuffle.
     *
     * @param buckets   number of buckets, at least 1
     * @param vocabSize every token id stored is in {@code [0, vocabSize)}, so the store may pick a compact width
     */
    ShuffleSpill openShuffleSpill(int buckets, int vocabSize) throws IOException;

    /**
     * Creates one token shard, replacing any shard of the same split and index.
     *
     * @param split          the split's short name: {@code train}, {@code val} or {@code test}
     * @param index          shard number within the split, from 0 without gaps
     * @param sequenceLength tokens in every sequence the shard will hold
     * @param vocabSize      every token id written is in {@code [0, vocabSize)}
     */
    TokenShardOutput createShard(String split, int index, int sequenceLength, int vocabSize) throws IOException;

    /** Opens the list of packed documents, replacing any previous list. */
    PackedDocumentList openDocumentList() throws IOException;

    /**
     * Stores the membership-audit index: which training documents contain which word shingles.
     *
     * @param shingles     shingle hashes, ascending (repeated once per document that contains the shingle)
     * @param documentIds  audit id of the training document of each shingle, aligned with {@code shingles}
     * @param shingleWords words per shingle the hashes were made with
     * @param documents    training documents indexed (audit ids are {@code 0 .. documents-1})
     */
    void writeAuditIndex(long[] shingles, int[] documentIds, int shingleWords, long documents) throws IOException;
}
