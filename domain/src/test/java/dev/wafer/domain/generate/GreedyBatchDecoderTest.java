package dev.wafer.domain.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The greedy loop: ties go to the lowest id, batches are cut at the model's size, NaN is refused. */
class GreedyBatchDecoderTest {
    /** Vocabulary 5; scores tokens (last + 1) and (last + 3) mod 5 equally, or writes NaN when asked. */
    private static final class TieModel implements BatchNextTokenLogits {
        final List<Integer> batches = new ArrayList<>();
        private final boolean nan;
        private int rows;

        TieModel(boolean nan) {
            this.nan = nan;
        }

        @Override
        public float[] reset(int[][] prompts) {
            rows = prompts.length;
            batches.add(rows);
            int[] last = new int[rows];
            for (int r = 0; r < rows; r++) {
                last[r] = prompts[r][prompts[r].length - 1];
            }
            return next(last);
        }

        @Override
        public float[] next(int[] tokens) {
            float[] logits = new float[rows * 5];
            for (int r = 0; r < rows; r++) {
                logits[r * 5 + (tokens[r] + 1) % 5] = 2f;
                logits[r * 5 + (tokens[r] + 3) % 5] = 2f;
                if (nan) {
                    logits[r * 5 + 4] = Float.NaN;
                }
            }
            return logits;
        }

        @Override
        public int vocabSize() {
            return 5;
        }

        @Override
        public int maxBatch() {
            return 2;
        }

        @Override
        public int maxSequenceLength() {
            return 8;
        }
    }

    @Test
    void tiesGoToTheLowestIdAndBatchesAreCut() {
        TieModel model = new TieModel(false);
        int[][] out = GreedyBatchDecoder.decode(model, new int[][] {{0, 1}, {4, 3}, {2, 2}}, 3);
        // From 1: candidates 2 and 4 -> 2; from 2: 3 and 0 -> 0; from 0: 1 and 3 -> 1.
        assertArrayEquals(new int[] {2, 0, 1}, out[0]);
        // From 3: 4 and 1 -> 1; from 1: 2 and 4 -> 2; from 2: 0.
        assertArrayEquals(new int[] {1, 2, 0}, out[1]);
        assertArrayEquals(new int[] {0, 1, 2}, out[2]);
        assertEquals(List.of(2, 1), model.batches);
    }

    @Test
    void refusesNanAndPromptsThatDoNotFit() {
        assertThrows(NonFiniteOutputException.class,
                () -> GreedyBatchDecoder.decode(new TieModel(true), new int[][] {{1}}, 2));
        assertThrows(IllegalArgumentException.class,
                () -> GreedyBatchDecoder.decode(new TieModel(false), new int[][] {{1, 2, 3, 4}}, 6), "9 > 8 positions");
        assertThrows(IllegalArgumentException.class,
                () -> GreedyBatchDecoder.decode(new TieModel(false), new int[][] {{1, 2}, {3}}, 2), "unequal prompts");
        assertEquals(0, GreedyBatchDecoder.decode(new TieModel(false), new int[0][], 2).length);
    }
}
