package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/** Prints a dataset manifest's per-source table (like the Pile paper's Table 1) and split totals. */
final class SummaryTable {
    private SummaryTable() {
    }

    static void print(PrintWriter o, JsonNode manifest) {
        JsonNode summary = manifest.path("summary");
        o.printf(Locale.ROOT, "%-28s %10s %14s %8s %9s%n", "source", "documents", "tokens", "share", "excluded");
        for (JsonNode row : summary.path("sources")) {
            o.printf(Locale.ROOT, "%-28s %10d %14d %7.2f%% %9d%n", row.path("source").asText(),
                    row.path("documents").asLong(), row.path("tokens").asLong(), 100 * row.path("share").asDouble(),
                    row.path("excluded").asLong());
        }
        o.printf(Locale.ROOT, "%-28s %10d %14d %7.2f%% %9d%n", "total", summary.path("documents").asLong(),
                summary.path("tokens").asLong(), summary.path("tokens").asLong() > 0 ? 100.0 : 0.0,
                summary.path("excluded").asLong());
        for (Map.Entry<String, JsonNode> e : manifest.path("splits").properties()) {
            JsonNode s = e.getValue();
            o.printf(Locale.ROOT, "split %-5s %8d documents %12d tokens %8d sequences of %d (%d tail tokens dropped)%n",
                    e.getKey(), s.path("documents").asLong(), s.path("tokens").asLong(), s.path("sequences").asLong(),
                    manifest.path("settings").path("seq_len").asInt(), s.path("dropped_tail_tokens").asLong());
        }
        long malformed = summary.path("malformed").asLong();
        if (malformed > 0) {
            o.printf(Locale.ROOT, "malformed records skipped: %d (listed in %s)%n", malformed, "manifest.json");
        }
    }
}
