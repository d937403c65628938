package dev.wafer.domain.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class LogitsSamplerTest {
    private static final long SEED = 777L;

    private static float[] logitsOf(double... probabilities) {
        float[] l = new float[probabilities.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = (float) Math.log(probabilities[i]);
        }
        return l;
    }

    /**
     * A temperature so small that logit / T overflows is greedy (seeded draws): it used to make every probability
     * NaN and return the least likely token.
     */
    @Test
    void aTemperatureSmallEnoughToOverflowIsGreedy() {
        float[] logits = {0.5f, 3f, -2f, 2.9f, 1f};
        for (double t : new double[] {1e-310, Double.MIN_VALUE, 1e-300}) {
            LogitsSampler sampler = new LogitsSampler(new SamplingSettings(t, 0, 1, SEED));
            for (int i = 0; i < 20; i++) {
                assertEquals(1, sampler.sample(logits), "T " + t);
            }
            Candidates c = sampler.candidates(logits);
            assertEquals(1.0, c.probabilities()[0], 0.0, "T " + t);
        }
        float[] allNegativeInfinite = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertThrows(NonFiniteOutputException.class,
                () -> new LogitsSampler(new SamplingSettings(1, 0, 1, SEED)).sample(allNegativeInfinite));
    }

    @Test
    void temperatureZeroIsArgmaxWhateverTheOtherSettings() {
        float[] logits = {0.5f, 3f, -1f, 3f, 2.9f};
        LogitsSampler greedy = new LogitsSampler(new SamplingSettings(0, 2, 0.1, SEED));
        for (int i = 0; i < 10; i++) {
            assertEquals(1, greedy.sample(logits), "first of the tied maxima");
        }
        assertArrayEquals(new int[] {1}, greedy.candidates(logits).tokens());
    }

    @Test
    void topKKeepsExactlyKEvenWithTies() {
        float[] logits = {1f, 3f, 3f, 3f, 0f, 2f};
        for (int k = 1; k <= 6; k++) {
            Candidates c = new LogitsSampler(new SamplingSettings(1, k, 1, SEED)).candidates(logits);
            assertEquals(k, c.size(), "k=" + k);
            assertEquals(1.0, Arrays.stream(c.probabilities()).sum(), 1e-12);
        }
        assertArrayEquals(new int[] {1, 2}, new LogitsSampler(new SamplingSettings(1, 2, 1, SEED)).candidates(logits).tokens());
        assertArrayEquals(new int[] {1, 2, 3, 5}, new LogitsSampler(new SamplingSettings(1, 4, 1, SEED)).candidates(logits).tokens());
        assertEquals(6, new LogitsSampler(new SamplingSettings(1, 100, 1, SEED)).candidates(logits).size());
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        float[] logits = logitsOf(0.05, 0.5, 0.15, 0.3);
        assertArrayEquals(new int[] {1}, candidates(logits, 0.49));
        assertArrayEquals(new int[] {1, 3}, candidates(logits, 0.51));
        assertArrayEquals(new int[] {1, 3}, candidates(logits, 0.79));
        assertArrayEquals(new int[] {1, 3, 2}, candidates(logits, 0.81));
        assertArrayEquals(new int[] {1, 3, 2, 0}, candidates(logits, 0.96));
        assertArrayEquals(new int[] {1, 3, 2, 0}, candidates(logits, 1.0));
        Candidates c = new LogitsSampler(new SamplingSettings(1, 0, 0.79, SEED)).candidates(logits);
        assertArrayEquals(new double[] {0.5 / 0.8, 0.3 / 0.8}, c.probabilities(), 1e-6);
    }

    private static int[] candidates(float[] logits, double p) {
        return new LogitsSampler(new SamplingSettings(1, 0, p, SEED)).candidates(logits).tokens();
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        float[] logits = new float[50];
        SplittableRandom r = new SplittableRandom(SEED);
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) r.nextGaussian();
        }
        SamplingSettings s = new SamplingSettings(0.9, 20, 0.95, SEED);
        int[] a = draw(new LogitsSampler(s), logits, 200);
        int[] b = draw(new LogitsSampler(s), logits, 200);
        int[] other = draw(new LogitsSampler(new SamplingSettings(0.9, 20, 0.95, SEED + 1)), logits, 200);
        assertArrayEquals(a, b, "seed " + SEED);
        assertNotEquals(Arrays.toString(a), Arrays.toString(other), "seeds " + SEED + " and " + (SEED + 1));
    }

    private static int[] draw(LogitsSampler s, float[] logits, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = s.sample(logits);
        }
        return out;
    }

    /**
     * Pearson's chi-square of a large seeded sample against the intended distribution. With 4 degrees of freedom
     * the 0.1% critical value is 18.47; a sampler with a wrong temperature or an off-by-one cumulative walk lands
     * in the hundreds at this sample size.
     */
    @Test
    void samplesFollowTheTemperedDistribution() {
        double[] p = {0.4, 0.25, 0.2, 0.1, 0.05};
        for (double temperature : new double[] {1.0, 0.5, 2.0}) {
            double[] expected = new double[p.length];
            double z = 0;
            for (int i = 0; i < p.length; i++) {
                expected[i] = Math.pow(p[i], 1 / temperature);
                z += expected[i];
            }
            for (int i = 0; i < p.length; i++) {
                expected[i] /= z;
            }
            assertChiSquare(new SamplingSettings(temperature, 0, 1, SEED), logitsOf(p), expected, "T=" + temperature);
        }
    }

    @Test
    void samplesFollowTheTruncatedDistribution() {
        // top-k 3 keeps 0.4, 0.25, 0.2 (sum 0.85); top-p 0.6 then keeps 0.4 and 0.25 (0.65 >= 0.6).
        double[] p = {0.4, 0.25, 0.2, 0.1, 0.05};
        double[] expected = {0.4 / 0.65, 0.25 / 0.65, 0, 0, 0};
        assertChiSquare(new SamplingSettings(1, 3, 0.6, SEED), logitsOf(p), expected, "top-k 3, top-p 0.6");
    }

    private static void assertChiSquare(SamplingSettings s, float[] logits, double[] expected, String what) {
        int n = 200_000;
        long[] counts = new long[expected.length];
        LogitsSampler sampler = new LogitsSampler(s);
        for (int i = 0; i < n; i++) {
            counts[sampler.sample(logits)]++;
        }
        double chi2 = 0;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] == 0) {
                assertEquals(0, counts[i], what + ": token " + i + " must never be drawn (seed " + s.seed() + ")");
            } else {
                double e = expected[i] * n;
                chi2 += (counts[i] - e) * (counts[i] - e) / e;
            }
        }
        assertTrue(chi2 < 18.47, what + ": chi-square " + chi2 + " for counts " + Arrays.toString(counts) + " (seed " + s.seed() + ")");
    }

    @Test
    void rejectsBrokenLogitsAndSettings() {
        LogitsSampler s = new LogitsSampler(new SamplingSettings(1, 0, 1, SEED));
        assertThrows(NonFiniteOutputException.class, () -> s.sample(new float[] {0, Float.NaN}));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(-1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, -1, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SamplingSettings(1, 0, 1.5, 0));
    }

    @Test
    void hugeLogitsDoNotOverflow() {
        Candidates c = new LogitsSampler(new SamplingSettings(0.01, 0, 1, SEED)).candidates(new float[] {1e30f, 1e30f, -1e30f});
        assertArrayEquals(new double[] {0.5, 0.5, 0}, c.probabilities(), 1e-12);
    }
}
