package dev.wafer.domain.generate;

/**
 * What the model must provide for generation: an incremental forward pass with a KV cache, so that each new token
 * costs one position rather than a recomputation of the prefix.
 */
public interface NextTokenLogits {
    /**
     * Clears the cache, runs the prompt and returns the logits (one per vocabulary entry) for the token after it.
     *
     * @param prompt at least one token, at most {@link #maxSequenceLength()}
     */
    float[] reset(int[] prompt);

    /** Appends {@code token} at the next position and returns the logits for the token after it. */
    float[] next(int token);

    /** The number of positions the model (and its cache) holds, e.g. 2048. */
    int maxSequenceLength();
}
