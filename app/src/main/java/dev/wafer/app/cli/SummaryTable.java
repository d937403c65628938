package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.util.Locale;

import dev.wafer.formats.data.DatasetManifest;

/** Prints a dataset manifest's per-source table (like the Pile paper's Table 1) and split totals. */
final class SummaryTable {
    private SummaryTable() {
    }

    static void print(PrintWriter o, DatasetManifest manifest) {
        DatasetManifest.Summary summary = manifest.summary();
        boolean dedup = manifest.deduplicated();
        // The duplicates column only for deduplicated datasets, so other tables read as before.
        o.printf(Locale.ROOT, "%-28s %10s %14s %8s %9s" + (dedup ? " %10s" : "") + "%n", "source", "documents",
                "tokens", "share", "excluded", "duplicates");
        for (DatasetManifest.SourceRow row : summary.sources()) {
            o.printf(Locale.ROOT, "%-28s %10d %14d %7.2f%% %9d" + (dedup ? " %10d" : "") + "%n",
                    DisplayName.of(row.source()),
                    row.documents(), row.tokens(), 100 * row.share(), row.excluded(), row.duplicates());
        }
        o.printf(Locale.ROOT, "%-28s %10d %14d %7.2f%% %9d" + (dedup ? " %10d" : "") + "%n", "total",
                summary.documents(), summary.tokens(), summary.tokens() > 0 ? 100.0 : 0.0, summary.excluded(),
                summary.duplicates());
        if (dedup) {
            o.printf(Locale.ROOT, "duplicates removed (--dedup %s%s): %d, listed in %s%n",
                    manifest.settings().dedup().mode(), manifest.settings().dedup().mode().equals("near")
                            ? String.format(Locale.ROOT, ", threshold %.2f", manifest.settings().dedup().threshold()) : "",
                    summary.duplicates(), "duplicates.jsonl");
        }
        manifest.splits().forEach((split, s) -> o.printf(Locale.ROOT,
                "split %-5s %8d documents %12d tokens %8d sequences of %d (%d tail tokens dropped)%n",
                split.fileName(), s.documents(), s.tokens(), s.sequences(), manifest.settings().seqLen(),
                s.droppedTailTokens()));
        if (summary.malformed() > 0) {
            o.printf(Locale.ROOT, "malformed records skipped: %d (listed in %s)%n", summary.malformed(), "manifest.json");
        }
    }
}
