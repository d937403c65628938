package dev.wafer.app.cli;

import dev.wafer.domain.eval.CrossEntropyTotals;
import dev.wafer.domain.eval.PackedTestSetLoss;
import dev.wafer.domain.eval.WindowLossScorer;

/**
 * The test-set loss of a stream too large to hold: its first {@code windows} packed windows, read a stretch of whole
 * windows at a time and scored in order, so the sums are the ones one pass over the whole stream adds.
 */
final class TestLossStretches {
    /** Tokens of the stream held at once (4 MiB as ints). */
    static final int STRETCH_TOKENS = 1 << 20;

    private TestLossStretches() {
    }

    static CrossEntropyTotals score(EvalTokens stream, int window, long windows, WindowLossScorer scorer,
                                    int stretchTokens) {
        PackedTestSetLoss loss = new PackedTestSetLoss(window, false);
        int perStretch = Math.max(1, stretchTokens / window);
        CrossEntropyTotals totals = CrossEntropyTotals.ZERO;
        for (long w = 0; w < windows; w += perStretch) {
            int n = (int) Math.min(perStretch, windows - w);
            int[] stretch = new int[n * window + 1]; // n windows of `window` targets and the token before each
            stream.read(w * window, stretch, 0, stretch.length);
            totals = loss.evaluate(stretch, scorer, totals);
        }
        return totals;
    }
}
