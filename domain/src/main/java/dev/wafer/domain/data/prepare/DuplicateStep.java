package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.function.Consumer;

import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.dedup.DedupDecision;
import dev.wafer.domain.data.dedup.Deduplicator;
import dev.wafer.ports.data.prepare.DedupRecords;
import dev.wafer.ports.data.prepare.DuplicateList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;

/** The step between the passes: which kept documents are duplicates; lists them in the store and the summary. */
final class DuplicateStep {
    private DuplicateStep() {
    }

    /** @param removed receives each removed document's record, in input order */
    static DedupDecision decide(Deduplicator dedup, PreparedDatasetStore store, ProgressReporter progress,
                                SourceSummary.Builder summary, Consumer<DedupRecords.Entry> removed)
            throws IOException {
        DedupDecision decision;
        try (ProgressReporter.Task task = progress.start("finding duplicates", -1, "");
             DuplicateList list = store.openDuplicateList()) {
            decision = dedup.decide(list, removed);
        }
        decision.bySource().forEach(summary::duplicates);
        return decision;
    }
}
