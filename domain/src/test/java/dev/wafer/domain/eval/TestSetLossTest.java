package dev.wafer.domain.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class TestSetLossTest {
    /** Loss of target token t is t/10 nats, so totals are easy to compute by hand. */
    private static final class RecordingScorer implements WindowLossScorer {
        final List<int[]> windows = new ArrayList<>();

        @Override
        public double sumNats(int[] window) {
            windows.add(window);
            double sum = 0;
            for (int i = 1; i < window.length; i++) {
                sum += window[i] / 10.0;
            }
            return sum;
        }
    }

    private static final int[] TEN = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    @Test
    void packedWindowsPredictEveryTokenAfterTheFirstExactlyOnce() {
        RecordingScorer scorer = new RecordingScorer();
        CrossEntropyTotals t = new PackedTestSetLoss(4, true).evaluate(TEN, scorer, CrossEntropyTotals.ZERO);
        assertEquals(3, scorer.windows.size());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, scorer.windows.get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7, 8}, scorer.windows.get(1));
        assertArrayEquals(new int[] {8, 9}, scorer.windows.get(2));
        assertEquals(9, t.tokens());
        assertEquals(4.5, t.nats(), 1e-12); // (1 + ... + 9) / 10
        assertEquals(0.5, t.natsPerToken(), 1e-12);
    }

    @Test
    void thePaperStyleDropsThePartialLastWindow() {
        RecordingScorer scorer = new RecordingScorer();
        CrossEntropyTotals t = new PackedTestSetLoss(4, false).evaluate(TEN, scorer, CrossEntropyTotals.ZERO);
        assertEquals(2, scorer.windows.size());
        assertEquals(8, t.tokens());
        assertEquals(3.6 / 8, t.natsPerToken(), 1e-12);
        assertEquals(0, new PackedTestSetLoss(4, true).windowCount(1));
        assertEquals(2, new PackedTestSetLoss(4, false).windowCount(9));
    }

    @Test
    void totalsAreTokenWeightedAcrossFiles() {
        // A 1-token file with loss 10 and a 9-token file with loss 1: the token-weighted mean is 1.9, not 5.5.
        CrossEntropyTotals a = CrossEntropyTotals.ZERO.plus(10, 1);
        CrossEntropyTotals b = CrossEntropyTotals.ZERO.plus(9, 9);
        assertEquals(1.9, a.plus(b).natsPerToken(), 1e-12);
        assertThrows(IllegalStateException.class, CrossEntropyTotals.ZERO::natsPerToken);
    }

    @Test
    void vocabularyCorrectionConservesTotalNats() {
        // Same text: 1200 tokens of another tokenizer at 2.5 nats each = 3000 nats = 3.0 nats per GPT-2 token over 1000.
        double gpt2 = VocabularyCorrection.toGpt2Equivalent(2.5, 1200, 1000);
        assertEquals(3.0, gpt2, 1e-12);
        assertEquals(2.5 * 1200, gpt2 * 1000, 1e-9);
        // A coarser tokenizer (fewer tokens) has a higher per-token loss that converts down.
        assertEquals(2.0, VocabularyCorrection.toGpt2Equivalent(4.0, 500, 1000), 1e-12);
        assertEquals(2.5, VocabularyCorrection.toGpt2Equivalent(2.5, 777, 777), 0);
        assertThrows(IllegalArgumentException.class, () -> VocabularyCorrection.toGpt2Equivalent(2.5, 0, 10));
    }
}
