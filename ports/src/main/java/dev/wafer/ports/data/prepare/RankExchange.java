package dev.wafer.ports.data.prepare;

import java.io.IOException;
import java.util.Optional;

/**
 * Where the ranks of a multi-rank preparation leave their pass-1 results for rank 0: one stream per rank, written
 * by that rank, read back by rank 0 once every rank has finished writing (the ranks synchronise between the two,
 * so implementations need no locking across processes; in practice a directory all ranks can see). Closing
 * discards every stream.
 */
public interface RankExchange extends AutoCloseable {

    /** Opens rank {@code rank}'s stream for writing, replacing anything it held. */
    Writer writer(int rank) throws IOException;

    /** Opens rank {@code rank}'s complete stream for reading, from its start. */
    Reader reader(int rank) throws IOException;

    /**
     * Records that rank {@code rank} failed outside of reading its inputs (e.g. it could not write its stream),
     * best effort: a rank that cannot even record this still reports the failure through the collective.
     */
    void recordFailure(int rank, String message);

    /** The message {@link #recordFailure} left for {@code rank}, if any. */
    Optional<String> failure(int rank);

    /**
     * Rank {@code rank}'s shuffle buckets in the exchange: that rank appends its kept documents to them during pass
     * 1 (with rank-local ordinals and audit ids) and ends with {@link ShuffleSpill#finishWriting()}, without closing
     * them, since they outlive it; in pass 2 every rank opens every rank's to read its own range of buckets (reading
     * deletes a bucket). Every call for the same rank names the same buckets.
     *
     * @param buckets   number of buckets, the same on every rank
     * @param vocabSize every token id stored is in {@code [0, vocabSize)}
     */
    ShuffleSpill shuffleSpill(int rank, int buckets, int vocabSize) throws IOException;

    /** Rank {@code rank}'s share of the audit index, written by that rank during pass 1. */
    AuditRuns auditRuns(int rank) throws IOException;

    /**
     * Rank {@code rank}'s audit runs ({@link #auditRuns}), each sorted by key with rank-local ids ascending within
     * a key, for any rank once every rank finished writing; the caller closes them.
     */
    java.util.List<SortedPairCursor> auditPairs(int rank) throws IOException;

    /**
     * As {@link #auditPairs(int)}, only the pairs whose key lies in {@code [fromKey, toKey]} (signed order), so
     * that several ranks can each merge one key range of the index.
     */
    java.util.List<SortedPairCursor> auditPairs(int rank, long fromKey, long toKey) throws IOException;

    /**
     * Records what rank {@code rank} packed in pass 2 per source: documents and tokens, for rank 0's report.
     *
     * @param keptBySource source name to {documents, tokens}
     */
    void writeKeptBySource(int rank, java.util.Map<String, long[]> keptBySource) throws IOException;

    /** What {@link #writeKeptBySource} recorded for {@code rank}. */
    java.util.Map<String, long[]> keptBySource(int rank) throws IOException;

    /** Discards every stream, failure record, shuffle bucket and audit run. */
    @Override
    void close() throws IOException;

    /** A rank's stream being written, in order. */
    interface Writer extends AutoCloseable {
        /** Appends {@code record} to the stream. */
        void write(PassOneRecord record) throws IOException;

        /** Makes everything written durable and readable by rank 0. */
        @Override
        void close() throws IOException;
    }

    /** A rank's stream being read, in the order it was written. */
    interface Reader extends AutoCloseable {
        /** The next record, or empty at the end of the stream. */
        Optional<PassOneRecord> next() throws IOException;

        @Override
        void close() throws IOException;
    }
}
