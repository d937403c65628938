package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * What one rank of a multi-rank preparation writes of the dataset in pass 2
 * ({@link PreparedDatasetStore#openRankShare}): its stretches of the splits' token streams, straight into the
 * shards; its piece of the document list, in packed order; and its key range of the membership-audit index. Once
 * every rank knows every rank's {@link #sizes()}, each places its pieces in the dataset's files ({@link #place}),
 * in parallel, and rank 0 completes the files once every rank closed its share
 * ({@link PreparedDatasetStore#assembleRankShares}): it writes headers, it copies no data.
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

    /**
     * After the three above were closed: the size of this rank's document piece (in the store's unit, bytes for
     * files) and the pairs of its audit piece, from which every rank learns where its pieces go.
     */
    long[] sizes();

    /**
     * Puts this rank's pieces in place.
     *
     * @param documentsBefore the document pieces of the lower ranks, summed ({@link #sizes()}[0])
     * @param pairsBefore     the audit pairs of the lower ranks
     * @param pairsTotal      the audit pairs of every rank
     */
    void place(long documentsBefore, long pairsBefore, long pairsTotal) throws IOException;

    /** Records this rank's pieces for rank 0's assembly. */
    @Override
    void close() throws IOException;
}
