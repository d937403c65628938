package dev.wafer.domain.eval;

import java.util.Arrays;
import java.util.Objects;

/**
 * Test-set cross-entropy as the Cerebras-GPT pipeline computes it (reference-facts 5): the held-out token stream
 * (documents joined with end-of-text) is cut into packed, non-overlapping windows of {@code sequenceLength} targets;
 * there is no sliding window, so the first tokens of each window see little context.
 *
 * <p>Window {@code w} covers tokens {@code [w*L, w*L + L]} (L + 1 tokens): the inputs are the first L and the targets
 * the last L, so every token after the first is predicted exactly once and windows share only a boundary token as
 * input. Whether Cerebras' preprocessing also dropped that boundary token as a target is not documented; the
 * difference is one token in L + 1.
 */
public final class PackedTestSetLoss {
    private final int sequenceLength;
    private final boolean scorePartialLastWindow;

    /**
     * A scorer of packed windows of {@code sequenceLength} targets.
     *
     * @param sequenceLength         targets per window (2048 for Cerebras-GPT)
     * @param scorePartialLastWindow whether the shorter final window is scored; the paper's packed samples drop it
     */
    public PackedTestSetLoss(int sequenceLength, boolean scorePartialLastWindow) {
        if (sequenceLength < 1) {
            throw new IllegalArgumentException("sequenceLength must be positive: " + sequenceLength);
        }
        this.sequenceLength = sequenceLength;
        this.scorePartialLastWindow = scorePartialLastWindow;
    }

    /** Number of windows {@link #evaluate} scores for a stream of {@code tokens} tokens. */
    public long windowCount(long tokens) {
        if (tokens < 2) {
            return 0;
        }
        long full = (tokens - 1) / sequenceLength;
        boolean partial = (tokens - 1) % sequenceLength != 0;
        return full + (partial && scorePartialLastWindow ? 1 : 0);
    }

    /** Scores {@code tokens} window by window and adds the result to {@code start}. */
    public CrossEntropyTotals evaluate(int[] tokens, WindowLossScorer scorer, CrossEntropyTotals start) {
        Objects.requireNonNull(scorer, "scorer");
        CrossEntropyTotals totals = start;
        long windows = windowCount(tokens.length);
        for (long w = 0; w < windows; w++) {
            int from = Math.toIntExact(w * sequenceLength);
            int to = Math.min(from + sequenceLength + 1, tokens.length);
            double nats = scorer.sumNats(Arrays.copyOfRange(tokens, from, to));
            totals = totals.plus(nats, to - from - 1L);
        }
        return totals;
    }
}
