package dev.wafer.domain.generate;

/**
 * The outcome of a generation.
 *
 * @param tokens new tokens, in order, without the prompt and without a final end-of-text token
 * @param reason why generation stopped
 */
public record GenerationResult(int[] tokens, StopReason reason) {
    /** Copies the tokens. */
    public GenerationResult {
        tokens = tokens.clone();
    }

    /** The new tokens; a copy. */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
