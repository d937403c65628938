package dev.wafer.domain.audit;

import java.util.List;
import java.util.Objects;

/**
 * What a memorization audit found.
 *
 * @param settings     what was measured
 * @param documents    documents offered (before the length filter)
 * @param eligible     documents long enough for one window of P + S tokens
 * @param windows      windows the eligible documents offer; the sample is drawn from them
 * @param overall      every sampled window
 * @param bySource     per source, by name
 * @param topDocuments the most memorized documents (most windows memorized, then highest match rate, then longest
 *                     match), at most {@link MemorizationSettings#topDocuments()}
 */
public record MemorizationReport(MemorizationSettings settings, int documents, int eligible, long windows,
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
