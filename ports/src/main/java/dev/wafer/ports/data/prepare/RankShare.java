package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * What one rank of a multi-rank preparation writes of the dataset in pass 2
 * ({@link PreparedDatasetStore#openRankShare}): its stretches of the splits' token streams, straight into the
 * shards; its piece of the document list, in packed order; and its key range of the membership-audit index. Rank 0
 * puts the pieces together once every rank closed its share ({@link PreparedDatasetStore#assembleRankShares}).
 */
public interface RankShare extends AutoCloseable {

    /**
     * Opens the stretch of split {@code split}'s packed stream from token position {@code first}.
     *
     * @param limit             stream positions at or beyond it are dropped (the single process's incomplete tail)
     * @param sequenceLength    tokens per sequence
     * @param sequencesPerShard sequences per full shard
     * @param vocabSize         every token id is in {@code [0, vocabSize)}
     */
    TokenStreamOutput tokens(String split, long first, long limit, int sequenceLength, long sequencesPerShard,
                             int vocabSize) throws IOException;

    /** Opens this rank's piece of the document list: the documents of its buckets, in packed order. */
    PackedDocumentList documents() throws IOException;

    /**
     * Opens this rank's piece of the audit index: the pairs of one key range, every rank's runs added with
     * {@link AuditIndexOutput#addSorted} (ids already as the index numbers them), completed by
     * {@link AuditIndexOutput#finish(int, long, int[])} (the document count is the whole index's).
     */
    AuditIndexOutput auditIndex() throws IOException;

    /** After the three above were closed: records this rank's pieces for rank 0's assembly. */
    @Override
    void close() throws IOException;
}
