package dev.wafer.domain.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TruncatedVocabularyTest {
    /** A model of 8 ids whose padding ids 6 and 7 always have the largest logits. */
    private static final class PaddedModel implements NextTokenLogits {
        @Override
        public float[] reset(int[] prompt) {
            return logits();
        }

        @Override
        public float[] next(int token) {
            return logits();
        }

        @Override
        public int maxSequenceLength() {
            return 64;
        }

        private static float[] logits() {
            return new float[] {0, 1, 2, 1, 0, 3, 50, 60};
        }
    }

    @Test
    void greedyAndSampledGenerationNeverChooseIdsPastTheKeptVocabulary() {
        NextTokenLogits model = new TruncatedVocabulary(new PaddedModel(), 6);
        int[] greedy = new Generator(SamplingSettings.greedy(), 10, -1).generate(model, new int[] {0}, t -> { }).tokens();
        assertEquals(10, greedy.length);
        for (int t : greedy) {
            assertEquals(5, t, "the largest kept logit");
        }
        for (long seed = 1; seed <= 20; seed++) {
            int[] sampled = new Generator(new SamplingSettings(5.0, 0, 1.0, seed), 30, -1)
                    .generate(model, new int[] {0}, t -> { }).tokens();
            for (int t : sampled) {
                assertTrue(t >= 0 && t < 6, "seed " + seed + " chose " + t);
            }
        }
        assertEquals(64, model.maxSequenceLength());
    }
}
