package dev.wafer.domain.audit;

import java.util.List;
import java.util.Objects;

/**
 * What a memorization audit found.
 *
 * @param settings      what was measured
 * @param documents     documents in the corpus (after any source filter)
 * @param candidates    windows the corpus offered; the sample is drawn from them
 * @param overall       every sampled window
 * @param bySource      per source, by name
 * @param topDocuments  the most memorized documents (most windows memorized, then highest match rate, then longest
 *                      match), at most {@link MemorizationSettings#topDocuments()}
 * @param byDuplication per {@link DuplicationBucket} of the samples' {@link AuditSample#copies()}, in bucket order:
 *                      1, 2-9, 10-99 and 100+ always, 0 only when a sample fell in it; empty when copies were not
 *                      counted
 * @param byTimesSeen   per number of times the trainer fed the sample's row, ascending; empty when unknown
 * @param copies        copies found, summed over the samples, and how many samples had at least one; null when
 *                      copies were not counted
 */
public record MemorizationReport(MemorizationSettings settings, int documents, long candidates,
                                 MemorizationStats overall, List<SourceResult> bySource,
                                 List<DocumentResult> topDocuments, List<BucketResult> byDuplication,
                                 List<SeenResult> byTimesSeen, Copies copies) {
    /** Rejects null settings or overall statistics and copies the lists. */
    public MemorizationReport {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(overall, "overall");
        bySource = List.copyOf(bySource);
        topDocuments = List.copyOf(topDocuments);
        byDuplication = List.copyOf(byDuplication);
        byTimesSeen = List.copyOf(byTimesSeen);
    }

    /** One source's windows. */
    public record SourceResult(String source, MemorizationStats stats) {
    }

    /** One document's windows, named as the corpus names it. */
    public record DocumentResult(String hash, String source, String location, int tokens, MemorizationStats stats) {
    }

    /** The windows whose counted tokens have a number of copies in one bucket. */
    public record BucketResult(DuplicationBucket bucket, MemorizationStats stats) {
    }

    /** The windows whose rows the trainer fed {@code times} times. */
    public record SeenResult(long times, MemorizationStats stats) {
    }

    /**
     * Copies in the train split over the samples.
     *
     * @param found windows with at least one copy
     * @param total copies summed over the windows
     * @param max   most copies of one window
     */
    public record Copies(int found, long total, long max) {
    }
}
