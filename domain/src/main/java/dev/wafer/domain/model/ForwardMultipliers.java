package dev.wafer.domain.model;

/**
 * The three forward multipliers a parameterisation sets (reference-facts 1.4): what the model needs from it to run
 * forward and backward. Initialisation and learning rates are the parameterisation's other business, which the
 * model does not see (so the model does not depend on the parameterisation package).
 */
public interface ForwardMultipliers {
    /** Multiplier applied to the summed token + position embeddings. */
    float embeddingMultiplier();

    /** Attention score scale for heads of width {@code headDim}. */
    float attentionScale(int headDim);

    /** Multiplier of the output logits. */
    float outputLogitMultiplier();
}
