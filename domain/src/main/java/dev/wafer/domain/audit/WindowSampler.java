package dev.wafer.domain.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws windows of a fixed length uniformly from all the windows that lie wholly inside one document, without
 * replacement, from a seed: a document of {@code n >= w} tokens offers {@code n - w + 1} windows, so longer documents
 * are sampled in proportion to their length and shorter ones are skipped. When the corpus offers no more windows
 * than asked for, every window is taken. The same documents, length, count and seed give the same windows; they are
 * returned in corpus order (document, then start).
 */
public final class WindowSampler {
    private WindowSampler() {
    }

    /**
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
        long[] picked;
        if (total <= count) {
            picked = new long[(int) total];
            for (int i = 0; i < picked.length; i++) {
                picked[i] = i;
            }
        } else {
            picked = distinct(total, count, new SplittableRandom(seed));
        }
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

    /** {@code count < total} distinct indices of {@code [0, total)}, sorted (Floyd's algorithm). */
    private static long[] distinct(long total, int count, SplittableRandom random) {
        java.util.HashSet<Long> chosen = new java.util.HashSet<>(count * 2);
        for (long j = total - count; j < total; j++) {
            long t = random.nextLong(j + 1);
            chosen.add(chosen.contains(t) ? j : t);
        }
        long[] out = new long[count];
        int i = 0;
        for (long v : chosen) {
            out[i++] = v;
        }
        Arrays.sort(out);
        return out;
    }
}
