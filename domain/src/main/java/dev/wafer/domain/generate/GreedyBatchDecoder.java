package dev.wafer.domain.generate;

/**
 * Greedy decoding of many prompts at once: at every step each sequence takes its most likely token (the lowest id
 * among equal logits, as {@link LogitsSampler} does at temperature 0) and feeds it back. There is no end-of-text stop:
 * exactly {@code newTokens} tokens are produced per prompt, as an extraction test needs.
 */
public final class GreedyBatchDecoder {
    private GreedyBatchDecoder() {
    }

    /**
     * Continues every prompt by {@code newTokens} greedy tokens, in batches of at most {@link
     * BatchNextTokenLogits#maxBatch()}.
     *
     * @param prompts prompts of equal length; prompt length plus {@code newTokens - 1} must fit the model's positions
     * @return one array of {@code newTokens} tokens per prompt, in order
     */
    public static int[][] decode(BatchNextTokenLogits model, int[][] prompts, int newTokens) {
        if (newTokens < 1) {
            throw new IllegalArgumentException("newTokens must be >= 1, found " + newTokens);
        }
        int[][] out = new int[prompts.length][];
        if (prompts.length == 0) {
            return out;
        }
        int length = prompts[0].length;
        if (length < 1 || length + newTokens - 1 > model.maxSequenceLength()) {
            throw new IllegalArgumentException("prompts of " + length + " tokens and " + newTokens
                    + " new tokens need " + (length + newTokens - 1) + " positions; the model holds "
                    + model.maxSequenceLength());
        }
        int v = model.vocabSize();
        for (int from = 0; from < prompts.length; from += model.maxBatch()) {
            int rows = Math.min(model.maxBatch(), prompts.length - from);
            int[][] batch = new int[rows][];
            for (int r = 0; r < rows; r++) {
                batch[r] = prompts[from + r];
                if (batch[r].length != length) {
                    throw new IllegalArgumentException("prompt " + (from + r) + " has " + batch[r].length
                            + " tokens; every prompt must have " + length);
                }
                out[from + r] = new int[newTokens];
            }
            float[] logits = model.reset(batch);
            int[] chosen = new int[rows];
            for (int step = 0; step < newTokens; step++) {
                for (int r = 0; r < rows; r++) {
                    chosen[r] = argmax(logits, r * v, v);
                    out[from + r][step] = chosen[r];
                }
                if (step + 1 < newTokens) {
                    logits = model.next(chosen);
                }
            }
        }
        return out;
    }

    /** Index (relative to {@code from}) of the largest of {@code n} logits; the first among equals. */
    static int argmax(float[] logits, int from, int n) {
        int best = 0;
        float max = logits[from];
        boolean nan = Float.isNaN(max);
        for (int i = 1; i < n; i++) {
            float x = logits[from + i];
            nan |= x != x;
            if (x > max) {
                max = x;
                best = i;
            }
        }
        if (nan) {
            throw new NonFiniteOutputException("the model produced a NaN logit");
        }
        return best;
    }
}
