package dev.wafer.domain.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.wafer.domain.generate.BatchNextTokenLogits;
import dev.wafer.domain.generate.GreedyBatchDecoder;
import dev.wafer.ports.data.PackedCorpus;
import dev.wafer.ports.data.TokenizedCorpus;

/**
 * The extractable-memorization measure of Carlini et al. (2022): draw windows of P + S tokens (training sequences
 * with {@link #planRows}, windows of a text at any offset with {@link #planWindows}), feed each window's first P
 * tokens to the model at positions 0..P-1, decode S tokens greedily with the key/value cache, many windows per batch
 * ({@link GreedyBatchDecoder}), and compare them with the window's last S tokens ({@link ContinuationMatch}).
 * Results are added up overall, per source and per document.
 */
public final class MemorizationAudit {
    /** Receives progress after each batch of windows. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} windows decoded. */
        void decoded(int done, int total);
    }

    private final MemorizationSettings settings;

    public MemorizationAudit(MemorizationSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Draws training sequences of a dataset split ({@link RowSampler}). */
    public AuditPlan planRows(PackedCorpus corpus) {
        return RowSampler.sample(corpus, settings.prefix(), settings.window(), settings.samples(), settings.seed());
    }

    /** Draws windows at any offset of a corpus's documents ({@link WindowSampler}). */
    public AuditPlan planWindows(TokenizedCorpus corpus) {
        return WindowSampler.plan(corpus, settings.window(), settings.samples(), settings.seed());
    }

    /**
     * Decodes every planned window and compares the continuations.
     *
     * @throws IllegalArgumentException when the model holds fewer than P + S - 1 positions
     */
    public MemorizationReport measure(AuditPlan plan, BatchNextTokenLogits model, Progress progress) {
        if (model.maxSequenceLength() < settings.positions()) {
            throw new IllegalArgumentException("prefix " + settings.prefix() + " + suffix " + settings.suffix()
                    + " needs " + settings.positions() + " positions; the model holds " + model.maxSequenceLength());
        }
        List<TokenizedCorpus.Document> documents = plan.documents();
        List<AuditSample> sample = plan.samples();
        MemorizationStats.Tally overall = new MemorizationStats.Tally();
        Map<String, MemorizationStats.Tally> bySource = new TreeMap<>();
        Map<Integer, MemorizationStats.Tally> byDocument = new HashMap<>();
        int batch = model.maxBatch();
        for (int from = 0; from < sample.size(); from += batch) {
            int rows = Math.min(batch, sample.size() - from);
            int[][] prompts = new int[rows][];
            for (int r = 0; r < rows; r++) {
                prompts[r] = Arrays.copyOf(sample.get(from + r).tokens(), settings.prefix());
            }
            int[][] generated = GreedyBatchDecoder.decode(model, prompts, settings.suffix());
            for (int r = 0; r < rows; r++) {
                AuditSample s = sample.get(from + r);
                int[] truth = Arrays.copyOfRange(s.tokens(), settings.prefix(), settings.window());
                ContinuationMatch m = ContinuationMatch.of(truth, generated[r]);
                overall.add(m);
                bySource.computeIfAbsent(documents.get(s.document()).source(), k -> new MemorizationStats.Tally()).add(m);
                byDocument.computeIfAbsent(s.document(), d -> new MemorizationStats.Tally()).add(m);
            }
            progress.decoded(from + rows, sample.size());
        }
        List<MemorizationReport.SourceResult> sources = new ArrayList<>();
        bySource.forEach((source, tally) -> sources.add(new MemorizationReport.SourceResult(source, tally.stats())));
        return new MemorizationReport(settings, documents.size(), plan.candidates(), overall.stats(), sources,
                top(documents, byDocument));
    }

    private List<MemorizationReport.DocumentResult> top(List<TokenizedCorpus.Document> documents,
                                                        Map<Integer, MemorizationStats.Tally> byDocument) {
        List<MemorizationReport.DocumentResult> all = new ArrayList<>();
        byDocument.forEach((d, tally) -> {
            TokenizedCorpus.Document doc = documents.get(d);
            all.add(new MemorizationReport.DocumentResult(doc.hash(), doc.source(), doc.location(), doc.tokens(),
                    tally.stats()));
        });
        all.sort(Comparator.<MemorizationReport.DocumentResult>comparingInt(r -> -r.stats().memorized())
                .thenComparingDouble(r -> -r.stats().tokenMatchRate())
                .thenComparingDouble(r -> -r.stats().meanLongestMatch())
                .thenComparing(MemorizationReport.DocumentResult::hash)
                .thenComparing(MemorizationReport.DocumentResult::location));
        return all.subList(0, Math.min(settings.topDocuments(), all.size()));
    }
}
