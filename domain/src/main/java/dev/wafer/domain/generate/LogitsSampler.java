package dev.wafer.domain.generate;

import java.util.Arrays;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Picks the next token from logits: temperature, then top-k, then top-p (the order Hugging Face applies them), then
 * one draw from the renormalised distribution. Probabilities are computed in double from max-subtracted logits so
 * that large logits cannot overflow. Not thread-safe: it owns its random generator.
 */
public final class LogitsSampler {
    private final SamplingSettings settings;
    private final SplittableRandom random;

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
        Candidates c = candidates(logits);
        double[] p = c.probabilities();
        for (double q : p) {
            if (!(q >= 0 && q <= 1)) { // never a draw from NaN probabilities (it picked the last candidate)
                throw new NonFiniteOutputException("sampling probability " + q + " is not in [0, 1]");
            }
        }
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < p.length; i++) {
            cumulative += p[i];
            if (u < cumulative) {
                return c.tokens()[i];
            }
        }
        // Rounding can leave the cumulative sum a hair below 1.
        return c.tokens()[p.length - 1];
    }

    /** The tokens {@link #sample} chooses among and their probabilities (one token when greedy). */
    public Candidates candidates(float[] logits) {
        if (settings.temperature() == 0) {
            return new Candidates(new int[] {argmax(logits)}, new double[] {1});
        }
        checkFinite(logits);
        // Most likely first; equal logits by token id, so "top-k keeps exactly k" is deterministic under ties.
        Integer[] order = IntStream.range(0, logits.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i));
        int kept = settings.topK() > 0 ? Math.min(settings.topK(), order.length) : order.length;
        // (logit - max) / T is at most 0 for every T: a tiny T sends the others to -infinity (weight 0) and keeps the
        // largest at weight 1, i.e. greedy, where logit / T - max / T overflowed to infinity - infinity = NaN.
        double max = logits[order[0]];
        double[] weights = new double[kept];
        double total = 0;
        for (int i = 0; i < kept; i++) {
            weights[i] = Math.exp((logits[order[i]] - max) / settings.temperature());
            total += weights[i];
        }
        if (!(total >= 1) || Double.isInfinite(total)) { // the largest logit alone weighs 1; anything else is NaN
            throw new NonFiniteOutputException("the sampling weights are not finite (temperature "
                    + settings.temperature() + ", largest logit " + max + ")");
        }
        if (settings.topP() < 1) {
            double cumulative = 0;
            int n = 0;
            while (n < kept) {
                cumulative += weights[n] / total;
                n++;
                if (cumulative >= settings.topP()) {
                    break;
                }
            }
            kept = n;
        }
        int[] tokens = new int[kept];
        double[] probs = new double[kept];
        double keptTotal = 0;
        for (int i = 0; i < kept; i++) {
            keptTotal += weights[i];
        }
        for (int i = 0; i < kept; i++) {
            tokens[i] = order[i];
            probs[i] = weights[i] / keptTotal;
        }
        return new Candidates(tokens, probs);
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
