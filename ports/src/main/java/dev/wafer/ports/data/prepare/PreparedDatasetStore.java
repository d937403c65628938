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
     * Opens the membership-audit index for writing, replacing any previous index. Preparation may write shards
     * and the document list while the index is being completed in the background; call it from one thread.
     */
    AuditIndexOutput openAuditIndex() throws IOException;

    /**
     * Opens an empty external sort of pairs for deduplication.
     *
     * @param name distinguishes the sorts open at once (scratch space is named after it)
     */
    SortedPairSpill openPairSpill(String name) throws IOException;

    /**
     * Opens empty scratch space for deduplication's per-document records.
     *
     * @param signatureLength the length of every record's signature, 0 or more
     */
    DedupRecords openDedupRecords(int signatureLength) throws IOException;

    /**
     * Opens the list of excluded documents, replacing any previous list. A list that receives no document may leave
     * no file behind.
     */
    ExclusionList openExclusionList() throws IOException;

    /** Opens the list of removed duplicates, replacing any previous list. */
    DuplicateList openDuplicateList() throws IOException;

    /**
     * Opens rank {@code rank}'s share of a multi-rank pass 2: every rank writes into the same store (a directory
     * every rank sees), each its own disjoint pieces.
     */
    RankShare openRankShare(int rank) throws IOException;

    /**
     * On rank 0, once every rank closed its share: completes the dataset from the ranks' pieces (the shards' headers,
     * the document list and the audit index), as one process would have written it.
     *
     * @param ranks          ranks that wrote a share, {@code 0 .. ranks-1}
     * @param sequenceLength tokens per sequence
     * @param vocabSize      every token id is in {@code [0, vocabSize)}
     * @param shingleWords   words per audit shingle
     * @param auditDocuments training documents the audit index covers
     */
    void assembleRankShares(int ranks, int sequenceLength, int vocabSize, int shingleWords, long auditDocuments)
            throws IOException;
}
