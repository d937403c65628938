package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.domain.audit.MemorizationReport;
import dev.wafer.domain.audit.MemorizationStats;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.TokenizedCorpus;

/**
 * What {@code wafer audit memorization} prints: a table, or with {@code --json} one object with {@code samples},
 * {@code memorized_fraction}, {@code token_match_rate}, {@code by_source[]}, {@code top_documents[]} and
 * {@code texts[]}.
 */
record MemorizationOutput(Path checkpoint, Path dataset, Split split, List<String> sources, MemorizationReport report,
                          List<TextResult> texts, double seconds, String backend) {

    /** The audit of one {@code --text} file. */
    record TextResult(Path file, TokenizedCorpus.Document document, MemorizationReport report) {
    }

    ObjectNode json() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("checkpoint", checkpoint.toString()).put("dataset", dataset.toString()).put("split", split.fileName());
        sources.forEach(n.putArray("sources")::add);
        n.put("prefix", report.settings().prefix()).put("suffix", report.settings().suffix())
                .put("seed", report.settings().seed());
        stats(n, report.overall());
        n.put("documents", report.documents()).put("candidates", report.candidates());
        var bySource = n.putArray("by_source");
        report.bySource().forEach(s -> stats(bySource.addObject().put("source", s.source()), s.stats()));
        var top = n.putArray("top_documents");
        report.topDocuments().forEach(d -> stats(top.addObject().put("hash", d.hash()).put("source", d.source())
                .put("location", d.location()).put("tokens", d.tokens()), d.stats()));
        var textArray = n.putArray("texts");
        texts.forEach(t -> stats(textArray.addObject().put("file", t.file().toString()).put("hash", t.document().hash())
                .put("tokens", t.document().tokens()), t.report().overall()));
        n.put("backend", backend).put("seconds", seconds);
        return n;
    }

    private static ObjectNode stats(ObjectNode n, MemorizationStats s) {
        return n.put("samples", s.samples()).put("memorized", s.memorized())
                .put("memorized_fraction", s.memorizedFraction()).put("token_match_rate", s.tokenMatchRate())
                .put("mean_longest_match", s.meanLongestMatch()).put("max_longest_match", s.maxLongestMatch());
    }

    void print(PrintWriter out) {
        MemorizationStats all = report.overall();
        out.printf(Locale.ROOT, "Extractable memorization, %s split of %s%s: prefix %d, suffix %d, %d of %d packed"
                        + " sequences (seed %d)%n", split.fileName(), dataset,
                sources.isEmpty() ? "" : " (" + String.join(", ", sources) + ")", report.settings().prefix(),
                report.settings().suffix(), all.samples(), report.candidates(), report.settings().seed());
        out.printf(Locale.ROOT, "memorized %.1f%% (%d/%d), token match rate %.1f%%, longest match mean %.1f max %d"
                        + " tokens%n%n", 100 * all.memorizedFraction(), all.memorized(), all.samples(),
                100 * all.tokenMatchRate(), all.meanLongestMatch(), all.maxLongestMatch());
        Table bySource = new Table("source", "samples", "memorized", "token match", "longest (mean/max)");
        report.bySource().forEach(s -> bySource.row(s.source(), s.stats().samples() + "",
                pct(s.stats().memorizedFraction()), pct(s.stats().tokenMatchRate()), longest(s.stats())));
        bySource.print(out);
        if (!report.topDocuments().isEmpty()) {
            out.println();
            out.println("Most memorized documents:");
            Table top = new Table("hash", "source", "location", "samples", "memorized", "token match", "longest");
            report.topDocuments().forEach(d -> top.row(d.hash().substring(0, Math.min(12, d.hash().length())),
                    d.source(), d.location(), d.stats().samples() + "", pct(d.stats().memorizedFraction()),
                    pct(d.stats().tokenMatchRate()), longest(d.stats())));
            top.print(out);
        }
        if (!texts.isEmpty()) {
            out.println();
            out.println("Your texts:");
            Table t = new Table("file", "tokens", "samples", "memorized", "token match", "longest");
            texts.forEach(x -> t.row(x.file().toString(), x.document().tokens() + "", x.report().overall().samples() + "",
                    pct(x.report().overall().memorizedFraction()), pct(x.report().overall().tokenMatchRate()),
                    longest(x.report().overall())));
            t.print(out);
        }
        out.printf(Locale.ROOT, "%n[%.1f s on %s]%n", seconds, backend);
    }

    private static String pct(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    private static String longest(MemorizationStats s) {
        return String.format(Locale.ROOT, "%.1f/%d", s.meanLongestMatch(), s.maxLongestMatch());
    }
}
