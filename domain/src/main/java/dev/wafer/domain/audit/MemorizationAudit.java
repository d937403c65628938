package dev.wafer.domain.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
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

    /** An audit that draws, decodes and compares windows as {@code settings} says. */
    public MemorizationAudit(MemorizationSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Draws training sequences of a dataset split ({@link RowSampler}), from every row. */
    public AuditPlan planRows(PackedCorpus corpus) {
        return planRows(corpus, RowSelection.all());
    }

    /** Draws training sequences of a dataset split from the rows {@code selection} admits ({@link RowSampler}). */
    public AuditPlan planRows(PackedCorpus corpus, RowSelection selection) {
        return RowSampler.sample(corpus, settings.prefix(), settings.window(), settings.samples(), settings.seed(),
                selection);
    }

    /**
     * Counts, in one pass over {@code train} ({@link SplitOccurrences}), the copies of each sampled row's
     * continuation (its last S tokens): how duplicated what the model is asked to reproduce is.
     */
    public AuditPlan countContinuations(AuditPlan plan, PackedCorpus train, SplitOccurrences.Progress progress) {
        return countCopies(List.of(plan), List.of(), train, progress).get(0);
    }

    /**
     * Counts, in one pass over {@code train}, the copies of row continuations (last S tokens) for the plans of
     * {@code rows} and of whole windows (P + S tokens: is the text in the training data at all?) for {@code texts}.
     * Returns the plans with {@link AuditSample#copies()} set, rows' plans first.
     */
    public List<AuditPlan> countCopies(List<AuditPlan> rows, List<AuditPlan> texts, PackedCorpus train,
                                       SplitOccurrences.Progress progress) {
        List<AuditPlan> all = new ArrayList<>(rows);
        all.addAll(texts);
        List<int[]> queries = new ArrayList<>();
        for (int p = 0; p < all.size(); p++) {
            boolean whole = p >= rows.size();
            for (AuditSample s : all.get(p).samples()) {
                queries.add(whole ? s.tokens() : Arrays.copyOfRange(s.tokens(), settings.prefix(), settings.window()));
            }
        }
        long[] copies = SplitOccurrences.count(train, queries, progress);
        List<AuditPlan> out = new ArrayList<>();
        int q = 0;
        for (AuditPlan plan : all) {
            List<AuditSample> counted = new ArrayList<>(plan.samples().size());
            for (AuditSample s : plan.samples()) {
                counted.add(s.withCopies(copies[q++]));
            }
            out.add(new AuditPlan(plan.documents(), plan.corpusDocuments(), plan.candidates(), counted));
        }
        return out;
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
        Map<DuplicationBucket, MemorizationStats.Tally> byBucket = new EnumMap<>(DuplicationBucket.class);
        Map<Long, MemorizationStats.Tally> bySeen = new TreeMap<>();
        boolean counted = !sample.isEmpty() && sample.stream().allMatch(s -> s.copies() >= 0);
        int found = 0;
        long copies = 0;
        long maxCopies = 0;
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
                if (s.timesSeen() >= 0) {
                    bySeen.computeIfAbsent(s.timesSeen(), k -> new MemorizationStats.Tally()).add(m);
                }
                if (counted) {
                    byBucket.computeIfAbsent(DuplicationBucket.of(s.copies()), k -> new MemorizationStats.Tally())
                            .add(m);
                    found += s.copies() > 0 ? 1 : 0;
                    copies += s.copies();
                    maxCopies = Math.max(maxCopies, s.copies());
                }
            }
            progress.decoded(from + rows, sample.size());
        }
        List<MemorizationReport.SourceResult> sources = new ArrayList<>();
        bySource.forEach((source, tally) -> sources.add(new MemorizationReport.SourceResult(source, tally.stats())));
        List<MemorizationReport.BucketResult> buckets = new ArrayList<>();
        if (counted) {
            for (DuplicationBucket b : DuplicationBucket.values()) {
                MemorizationStats.Tally t = byBucket.get(b);
                if (t != null || b != DuplicationBucket.NONE) {
                    buckets.add(new MemorizationReport.BucketResult(b,
                            (t == null ? new MemorizationStats.Tally() : t).stats()));
                }
            }
        }
        List<MemorizationReport.SeenResult> seen = new ArrayList<>();
        bySeen.forEach((times, tally) -> seen.add(new MemorizationReport.SeenResult(times, tally.stats())));
        return new MemorizationReport(settings, plan.corpusDocuments(), plan.candidates(), overall.stats(), sources,
                top(documents, byDocument), buckets, seen,
                counted ? new MemorizationReport.Copies(found, copies, maxCopies) : null);
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
