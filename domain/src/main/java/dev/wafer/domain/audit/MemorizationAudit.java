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
import dev.wafer.ports.data.TokenizedCorpus;

/**
 * The extractable-memorization measure of Carlini et al. (2022): draw windows of P + S tokens from a corpus
 * ({@link WindowSampler}), feed each window's first P tokens to the model at positions 0..P-1, decode S tokens greedily
 * with the key/value cache, many windows per batch ({@link GreedyBatchDecoder}), and compare them with the window's
 * last S tokens ({@link ContinuationMatch}). Results are added up overall, per source and per document.
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

    /** How many windows {@link #run} will decode on {@code corpus}: the sample size, or every window if fewer. */
    public int plannedSamples(TokenizedCorpus corpus) {
        long windows = 0;
        for (TokenizedCorpus.Document d : corpus.documents()) {
            windows += Math.max(0, d.tokens() - settings.window() + 1);
        }
        return (int) Math.min(windows, settings.samples());
    }

    /**
     * Samples {@code corpus} and measures {@code model} on it.
     *
     * @throws IllegalArgumentException when the model holds fewer than P + S - 1 positions
     */
    public MemorizationReport run(TokenizedCorpus corpus, BatchNextTokenLogits model, Progress progress) {
        if (model.maxSequenceLength() < settings.positions()) {
            throw new IllegalArgumentException("prefix " + settings.prefix() + " + suffix " + settings.suffix()
                    + " needs " + settings.positions() + " positions; the model holds " + model.maxSequenceLength());
        }
        List<TokenizedCorpus.Document> documents = corpus.documents();
        int[] lengths = new int[documents.size()];
        int eligible = 0;
        long windows = 0;
        for (int d = 0; d < lengths.length; d++) {
            lengths[d] = documents.get(d).tokens();
            if (lengths[d] >= settings.window()) {
                eligible++;
                windows += lengths[d] - settings.window() + 1;
            }
        }
        List<AuditWindow> sample = WindowSampler.sample(lengths, settings.window(), settings.samples(),
                settings.seed());
        MemorizationStats.Tally overall = new MemorizationStats.Tally();
        Map<String, MemorizationStats.Tally> bySource = new TreeMap<>();
        Map<Integer, MemorizationStats.Tally> byDocument = new HashMap<>();
        int batch = model.maxBatch();
        int[] window = new int[settings.window()];
        for (int from = 0; from < sample.size(); from += batch) {
            int rows = Math.min(batch, sample.size() - from);
            int[][] prompts = new int[rows][];
            int[][] truths = new int[rows][];
            for (int r = 0; r < rows; r++) {
                AuditWindow w = sample.get(from + r);
                corpus.read(w.document(), w.start(), window);
                prompts[r] = Arrays.copyOf(window, settings.prefix());
                truths[r] = Arrays.copyOfRange(window, settings.prefix(), settings.window());
            }
            int[][] generated = GreedyBatchDecoder.decode(model, prompts, settings.suffix());
            for (int r = 0; r < rows; r++) {
                AuditWindow w = sample.get(from + r);
                ContinuationMatch m = ContinuationMatch.of(truths[r], generated[r]);
                overall.add(m);
                bySource.computeIfAbsent(documents.get(w.document()).source(), s -> new MemorizationStats.Tally()).add(m);
                byDocument.computeIfAbsent(w.document(), d -> new MemorizationStats.Tally()).add(m);
            }
            progress.decoded(from + rows, sample.size());
        }
        List<MemorizationReport.SourceResult> sources = new ArrayList<>();
        bySource.forEach((source, tally) -> sources.add(new MemorizationReport.SourceResult(source, tally.stats())));
        return new MemorizationReport(settings, documents.size(), eligible, windows, overall.stats(), sources,
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
