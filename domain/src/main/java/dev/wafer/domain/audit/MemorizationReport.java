package dev.wafer.domain.audit;

import java.util.List;
import java.util.Objects;

/**
 * What a memorization audit found.
 *
 * @param settings     what was measured
 * @param documents    documents in the corpus (after any source filter)
 * @param candidates   windows the corpus offered; the sample is drawn from them
 * @param overall      every sampled window
 * @param bySource     per source, by name
 * @param topDocuments the most memorized documents (most windows memorized, then highest match rate, then longest
 *                     match), at most {@link MemorizationSettings#topDocuments()}
 */
public record MemorizationReport(MemorizationSettings settings, int documents, long candidates,
                                 MemorizationStats overall, List<SourceResult> bySource,
                                 List<DocumentResult> topDocuments) {
    public MemorizationReport {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(overall, "overall");
        bySource = List.copyOf(bySource);
        topDocuments = List.copyOf(topDocuments);
    }

    /** One source's windows. */
    public record SourceResult(String source, MemorizationStats stats) {
    }

    /** One document's windows, named as the corpus names it. */
    public record DocumentResult(String hash, String source, String location, int tokens, MemorizationStats stats) {
    }
}
