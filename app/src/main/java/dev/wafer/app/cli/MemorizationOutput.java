package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.audit.MemorizationReport;
import dev.wafer.domain.audit.MemorizationStats;
import dev.wafer.domain.audit.TrainedRows;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.TokenizedCorpus;

/**
 * What {@code wafer audit memorization} prints: a table, or with {@code --json} one object with {@code samples},
 * {@code memorized_fraction}, {@code token_match_rate}, {@code by_source[]}, {@code by_duplication[]},
 * {@code by_times_seen[]}, {@code top_documents[]} and {@code texts[]}.
 *
 * @param fingerprints the audited dataset's fingerprint and the one the checkpoint records for its training data
 *                (empty when it records none)
 * @param rows    {@code trained} (only rows the checkpoint was trained on) or {@code all}
 * @param trained the checkpoint's trained rows, when they could be rebuilt
 */
record MemorizationOutput(Path checkpoint, Path dataset, Fingerprints fingerprints, Split split, List<String> sources, String rows,
                          Optional<TrainedRows> trained, MemorizationReport report,
                          List<TextResult> texts, double seconds, String backend) {

    /** The audited dataset's fingerprint and the checkpoint's record of its training data's. */
    record Fingerprints(String dataset, String trainedOn) {
    }

    /** The audit of one {@code --text} file. */
    record TextResult(Path file, TokenizedCorpus.Document document, MemorizationReport report) {
    }

    ObjectNode json() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("checkpoint", checkpoint.toString()).put("dataset", dataset.toString())
                .put("dataset_fingerprint", fingerprints.dataset());
        if (fingerprints.trainedOn().isEmpty()) {
            n.putNull("checkpoint_data_fingerprint");
        } else {
            n.put("checkpoint_data_fingerprint", fingerprints.trainedOn());
        }
        n.put("split", split.fileName());
        sources.forEach(n.putArray("sources")::add);
        n.put("prefix", report.settings().prefix()).put("suffix", report.settings().suffix())
                .put("seed", report.settings().seed());
        stats(n, report.overall());
        n.put("documents", report.documents()).put("rows", rows).put("candidates", report.candidates());
        if (trained.isPresent()) {
            TrainedRows t = trained.get();
            n.put("data_position", t.dataPosition()).put("rows_per_epoch", t.rowsPerEpoch())
                    .put("epochs_seen", t.epochs()).put("rows_trained", t.distinctRows());
        } else {
            n.putNull("data_position").putNull("rows_per_epoch").putNull("epochs_seen").putNull("rows_trained");
        }
        var bySource = n.putArray("by_source");
        report.bySource().forEach(s -> stats(bySource.addObject().put("source", s.source()), s.stats()));
        duplication(n, report);
        var seen = n.putArray("by_times_seen");
        report.byTimesSeen().forEach(s -> stats(seen.addObject().put("times_seen", s.times()), s.stats()));
        var top = n.putArray("top_documents");
        report.topDocuments().forEach(d -> stats(top.addObject().put("hash", d.hash()).put("source", d.source())
                .put("location", d.location()).put("tokens", d.tokens()), d.stats()));
        var textArray = n.putArray("texts");
        texts.forEach(t -> {
            ObjectNode o = stats(textArray.addObject().put("file", t.file().toString())
                    .put("hash", t.document().hash()).put("tokens", t.document().tokens()), t.report().overall());
            MemorizationReport.Copies c = t.report().copies();
            if (c == null) {
                o.putNull("windows_in_train").putNull("copies").putNull("max_copies");
            } else {
                o.put("windows_in_train", c.found()).put("copies", c.total()).put("max_copies", c.max());
            }
            duplication(o, t.report());
        });
        n.put("backend", backend).put("seconds", seconds);
        return n;
    }

    private static void duplication(ObjectNode n, MemorizationReport r) {
        var buckets = n.putArray("by_duplication");
        r.byDuplication().forEach(b -> stats(buckets.addObject().put("bucket", b.bucket().label()), b.stats()));
    }

    private static ObjectNode stats(ObjectNode n, MemorizationStats s) {
        return n.put("samples", s.samples()).put("memorized", s.memorized())
                .put("memorized_fraction", s.memorizedFraction()).put("token_match_rate", s.tokenMatchRate())
                .put("mean_longest_match", s.meanLongestMatch()).put("max_longest_match", s.maxLongestMatch());
    }

    void print(PrintWriter out) {
        MemorizationStats all = report.overall();
        out.printf(Locale.ROOT, "Extractable memorization, %s split of %s%s: prefix %d, suffix %d, %d of %d %s"
                        + " (seed %d)%n", split.fileName(), dataset,
                sources.isEmpty() ? "" : " (" + DisplayName.all(sources) + ")", report.settings().prefix(),
                report.settings().suffix(), all.samples(), report.candidates(), rows.equals("trained")
                        ? "packed sequences the checkpoint was trained on" : "packed sequences (all rows)",
                report.settings().seed());
        trained.ifPresent(t -> out.printf(Locale.ROOT, "checkpoint at data position %d: %.2f epochs of %d rows,"
                + " %d distinct rows trained on%n", t.dataPosition(), t.epochs(), t.rowsPerEpoch(), t.distinctRows()));
        out.printf(Locale.ROOT, "memorized %.1f%% (%d/%d), token match rate %.1f%%, longest match mean %.1f max %d"
                        + " tokens%n%n", 100 * all.memorizedFraction(), all.memorized(), all.samples(),
                100 * all.tokenMatchRate(), all.meanLongestMatch(), all.maxLongestMatch());
        Table bySource = new Table("source", "samples", "memorized", "token match", "longest (mean/max)");
        report.bySource().forEach(s -> bySource.row(DisplayName.of(s.source()), s.stats().samples() + "",
                pct(s.stats().memorizedFraction()), pct(s.stats().tokenMatchRate()), longest(s.stats())));
        bySource.print(out);
        if (!report.byDuplication().isEmpty()) {
            out.println();
            out.printf(Locale.ROOT, "By copies of the %d-token continuation in the train split:%n",
                    report.settings().suffix());
            buckets(report).print(out);
        }
        if (!report.byTimesSeen().isEmpty()) {
            out.println();
            out.println("By times the row was trained on:");
            Table seen = new Table("times seen", "samples", "memorized", "token match", "longest (mean/max)");
            report.byTimesSeen().forEach(s -> seen.row(s.times() + "", s.stats().samples() + "",
                    pct(s.stats().memorizedFraction()), pct(s.stats().tokenMatchRate()), longest(s.stats())));
            seen.print(out);
        }
        if (!report.topDocuments().isEmpty()) {
            out.println();
            out.println("Most memorized documents:");
            Table top = new Table("hash", "source", "location", "samples", "memorized", "token match", "longest");
            report.topDocuments().forEach(d -> top.row(d.hash().substring(0, Math.min(12, d.hash().length())),
                    DisplayName.of(d.source()), d.location(), d.stats().samples() + "", pct(d.stats().memorizedFraction()),
                    pct(d.stats().tokenMatchRate()), longest(d.stats())));
            top.print(out);
        }
        if (!texts.isEmpty()) {
            out.println();
            out.println("Your texts:");
            Table t = new Table("file", "tokens", "samples", "in train", "copies", "memorized", "token match",
                    "longest");
            texts.forEach(x -> {
                MemorizationReport.Copies c = x.report().copies();
                t.row(x.file().toString(), x.document().tokens() + "", x.report().overall().samples() + "",
                        c == null ? "-" : c.found() + "", c == null ? "-" : c.total() + "",
                        pct(x.report().overall().memorizedFraction()), pct(x.report().overall().tokenMatchRate()),
                        longest(x.report().overall()));
            });
            t.print(out);
            out.printf(Locale.ROOT, "(in train: windows whose %d tokens occur in the train split; copies: their"
                    + " occurrences, summed)%n", report.settings().window());
        }
        out.printf(Locale.ROOT, "%n[%.1f s on %s]%n", seconds, backend);
    }

    private static Table buckets(MemorizationReport r) {
        Table t = new Table("copies", "samples", "memorized", "token match", "longest (mean/max)");
        r.byDuplication().forEach(b -> t.row(b.bucket().label(), b.stats().samples() + "",
                pct(b.stats().memorizedFraction()), pct(b.stats().tokenMatchRate()), longest(b.stats())));
        return t;
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    private static String longest(MemorizationStats s) {
        return String.format(Locale.ROOT, "%.1f/%d", s.meanLongestMatch(), s.maxLongestMatch());
    }
}
