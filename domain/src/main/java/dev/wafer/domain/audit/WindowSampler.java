package dev.wafer.domain.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import dev.wafer.ports.data.TokenizedCorpus;

/**
 * Draws windows of a fixed length uniformly from all the windows that lie wholly inside one document, at any offset, without
 * replacement, from a seed: a document of {@code n >= w} tokens offers {@code n - w + 1} windows, so longer documents
 * are sampled in proportion to their length and shorter ones are skipped. When the corpus offers no more windows
 * than asked for, every window is taken. The same documents, length, count and seed give the same windows; they are
 * returned in corpus order (document, then start). This is how a text the user supplies is sampled: where it sat in
 * the packed training rows is unknown, so every offset is a candidate (a stricter test than {@link RowSampler}'s,
 * since the prefix need not sit at the positions it was trained at).
 */
public final class WindowSampler {
    private WindowSampler() {
    }

    /**
     * Draws up to {@code count} windows of {@code window} tokens from documents of the given lengths, seeded with
     * {@code seed}, in corpus order.
     *
     * @param lengths tokens per document, in corpus order
     * @param window  tokens per window (P + S), at least 1
     * @param count   windows wanted, at least 0
     */
    public static List<AuditWindow> sample(int[] lengths, int window, int count, long seed) {
        if (window < 1 || count < 0) {
            throw new IllegalArgumentException("window " + window + " must be >= 1 and count " + count + " >= 0");
        }
        long[] ends = new long[lengths.length];
        long total = 0;
        for (int d = 0; d < lengths.length; d++) {
            total += Math.max(0, lengths[d] - window + 1);
            ends[d] = total;
        }
        long[] picked = Draws.distinct(total, count, new SplittableRandom(seed));
        List<AuditWindow> out = new ArrayList<>(picked.length);
        int d = 0;
        for (long index : picked) {
            while (ends[d] <= index) {
                d++;
            }
            long first = d == 0 ? 0 : ends[d - 1];
            out.add(new AuditWindow(d, (int) (index - first)));
        }
        return out;
    }

    /** Draws windows from {@code corpus}'s documents as {@link #sample} does, and reads them. */
    public static AuditPlan plan(TokenizedCorpus corpus, int window, int count, long seed) {
        List<TokenizedCorpus.Document> documents = corpus.documents();
        int[] lengths = new int[documents.size()];
        long candidates = 0;
        for (int d = 0; d < lengths.length; d++) {
            lengths[d] = documents.get(d).tokens();
            candidates += Math.max(0, lengths[d] - window + 1);
        }
        List<AuditSample> samples = new ArrayList<>();
        for (AuditWindow w : sample(lengths, window, count, seed)) {
            int[] tokens = new int[window];
            corpus.read(w.document(), w.start(), tokens);
            samples.add(new AuditSample(w.document(), tokens));
        }
        return new AuditPlan(documents, candidates, samples);
    }
}
