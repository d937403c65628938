package dev.wafer.domain.generate;

/**
 * {@link NextTokenLogits} for many independent sequences decoded in lockstep: every sequence has a prompt of the same
 * length and receives one new token per step, so each step is one batched pass (a matrix product of B rows per
 * weight) instead of B single-row passes. Sequences never see each other.
 */
public interface BatchNextTokenLogits {
    /**
     * Clears the caches, runs the prompts and returns the logits for the token after each of them.
     *
     * @param prompts 1 to {@link #maxBatch()} prompts, all of the same length, 1 to {@link #maxSequenceLength()}
     * @return {@code prompts.length × vocabSize()} logits, row-major; the array is reused by the next call
     */
    float[] reset(int[][] prompts);

    /**
     * Appends {@code tokens[i]} to sequence {@code i} and returns the logits for the token after each.
     *
     * @param tokens one token per sequence of the last {@link #reset}
     * @return as {@link #reset}; the array is reused by the next call
     */
    float[] next(int[] tokens);

    /** Logits per sequence. */
    int vocabSize();

    /** The most sequences one {@link #reset} may hold. */
    int maxBatch();

    /** Positions each sequence (and its cache) holds. */
    int maxSequenceLength();
}
