package dev.wafer.domain.data.prepare;

import java.util.List;
import java.util.Map;

import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.MalformedRecord;

/**
 * What a preparation produced: everything a manifest records besides the settings and inputs.
 *
 * @param summary          per-source table of kept and excluded documents
 * @param splits           per split, in split order: documents, tokens, sequences, shards and the dropped tail
 * @param exclusions       the excluded documents counted by rule (the store's exclusion list has each, in input
 *                         order)
 * @param malformed        malformed records, in input order (at most
 *                         {@link DatasetPreparation#MAX_LISTED_MALFORMED} listed)
 * @param malformedCount   all malformed records
 * @param textBytes        UTF-8 bytes of normalised text read
 * @param seconds          wall time
 * @param shuffleBuckets   buckets used by the external shuffle
 * @param passOneSeconds   wall time until pass 1 was done: every input read, normalised, tokenised (across ranks, until
 *                         every rank had handed over its results); the rest of {@code seconds} is one process's
 * @param serialSeconds    wall time after pass 1 that this process worked while every other rank waited: all of pass
 *                         2 for a single process; for rank 0 of several ranks, its walk of the ranks' results before
 *                         pass 2 and its assembly of their pieces after it (pass 2 itself runs on every rank)
 */
public record PreparationReport(SourceSummary summary, Map<Split, SplitStats> splits, ExclusionTally exclusions,
                                List<MalformedRecord> malformed, long malformedCount, long textBytes, double seconds,
                                int shuffleBuckets, double passOneSeconds, double serialSeconds,
                                List<String> inputSha256) {

    /**
     * One split.
     *
     * @param documents   documents
     * @param tokens      document tokens (end-of-text excluded)
     * @param sequences   packed sequences written
     * @param shardCounts sequences per shard, in shard order
     * @param droppedTail tokens of the last incomplete sequence, dropped
     */
    public record SplitStats(long documents, long tokens, long sequences, List<Long> shardCounts, int droppedTail) {
    }

    /**
     * This report with {@code seconds} more of serial work, which rank 0 did after the use case returned (writing the
     * manifest, swapping the dataset in).
     */
    public PreparationReport withSerialSeconds(double more) {
        return new PreparationReport(summary, splits, exclusions, malformed, malformedCount, textBytes, seconds,
                shuffleBuckets, passOneSeconds, serialSeconds + more, inputSha256);
    }

    /** Raw-text throughput in MB/s (10^6 bytes). */
    public double megabytesPerSecond() {
        return seconds <= 0 ? 0 : textBytes / 1e6 / seconds;
    }
}
