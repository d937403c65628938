package dev.wafer.domain.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: temperature, then top-k, then top-p (the order Hugging Face applies them), then
 * one draw from the renormalised distribution. Probabilities are computed in double from max-subtracted logits so
 * that large logits cannot overflow. Not thread-safe: it owns its random generator.
 */
public final class LogitsSampler {
    private final SamplingSettings settings;
    private final SplittableRandom random;
    // Reused for every token (no allocation per token): rank keys of the kept candidates, then their probabilities.
    private final RankKeys ranks = new RankKeys();
    private double[] probabilities = new double[0];

    /** A sampler whose random draws start from {@code settings.seed()}. */
    public LogitsSampler(SamplingSettings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    /** The next token. */
    public int sample(float[] logits) {
        if (settings.temperature() == 0) {
            return argmax(logits);
        }
        int kept = rank(logits);
        for (int i = 0; i < kept; i++) {
            double q = probabilities[i];
            if (!(q >= 0 && q <= 1)) { // never a draw from NaN probabilities (it picked the last candidate)
                throw new NonFiniteOutputException("sampling probability " + q + " is not in [0, 1]");
            }
        }
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < kept; i++) {
            cumulative += probabilities[i];
            if (u < cumulative) {
                return token(ranks.keys()[i]);
            }
        }
        // Rounding can leave the cumulative sum a hair below 1.
        return token(ranks.keys()[kept - 1]);
    }

    /** The tokens {@link #sample} chooses among and their probabilities (one token when greedy). */
    public Candidates candidates(float[] logits) {
        if (settings.temperature() == 0) {
            return new Candidates(new int[] {argmax(logits)}, new double[] {1});
        }
        int kept = rank(logits);
        int[] tokens = new int[kept];
        for (int i = 0; i < kept; i++) {
            tokens[i] = token(ranks.keys()[i]);
        }
        return new Candidates(tokens, Arrays.copyOf(probabilities, kept));
    }

    /**
     * Fills the rank keys with the kept candidates, most likely first, and {@link #probabilities} with their
     * renormalised probabilities; returns how many were kept. The sums run in rank order, so every probability is
     * the same double it was when the whole vocabulary was sorted as boxed ids.
     */
    private int rank(float[] logits) {
        checkFinite(logits);
        int n = logits.length;
        if (probabilities.length < n) {
            probabilities = new double[n];
        }
        int kept = settings.topK() > 0 ? Math.min(settings.topK(), n) : n;
        if (kept < n) {
            ranks.selectSmallest(logits, kept);
        } else {
            ranks.sortAll(logits);
        }
        long[] ranked = ranks.keys();
        // (logit - max) / T is at most 0 for every T: a tiny T sends the others to -infinity (weight 0) and keeps the
        // largest at weight 1, i.e. greedy, where logit / T - max / T overflowed to infinity - infinity = NaN.
        double max = logits[token(ranked[0])];
        double[] weights = probabilities;
        double total = 0;
        for (int i = 0; i < kept; i++) {
            weights[i] = Math.exp((logits[token(ranked[i])] - max) / settings.temperature());
            total += weights[i];
        }
        if (!(total >= 1) || Double.isInfinite(total)) { // the largest logit alone weighs 1; anything else is NaN
            throw new NonFiniteOutputException("the sampling weights are not finite (temperature "
                    + settings.temperature() + ", largest logit " + max + ")");
        }
        if (settings.topP() < 1) {
            double cumulative = 0;
            int n2 = 0;
            while (n2 < kept) {
                cumulative += weights[n2] / total;
                n2++;
                if (cumulative >= settings.topP()) {
                    break;
                }
            }
            kept = n2;
        }
        double keptTotal = 0;
        for (int i = 0; i < kept; i++) {
            keptTotal += weights[i];
        }
        for (int i = 0; i < kept; i++) {
            probabilities[i] = weights[i] / keptTotal;
        }
        return kept;
    }

    private static int token(long key) {
        return RankKeys.token(key);
    }

    /** The first index of the largest logit. */
    static int argmax(float[] logits) {
        checkFinite(logits);
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    private static void checkFinite(float[] logits) {
        if (logits.length == 0) {
            throw new IllegalArgumentException("no logits to sample from");
        }
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i]) || logits[i] == Float.POSITIVE_INFINITY) {
                throw new NonFiniteOutputException("the model produced logit " + i + " = "
                        + logits[i]);
            }
        }
    }
}
