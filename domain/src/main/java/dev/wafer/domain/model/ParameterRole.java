package dev.wafer.domain.model;

/**
 * What a parameter tensor is for. Parameterisations (initialisation, learning-rate multipliers) and the optimizer
 * (weight decay) decide by role, never by parameterisation name.
 */
public enum ParameterRole {
    /** Token embedding, tied with the LM head. Decayed. */
    TOKEN_EMBEDDING(true),
    /** Learned position embedding. Decayed. */
    POSITION_EMBEDDING(true),
    /** Input-side weight matrices of a block: QKV and the first FFN linear. Decayed. */
    HIDDEN_WEIGHT(true),
    /** Output projections of a block: attention output and the second FFN linear. Decayed. */
    OUTPUT_WEIGHT(true),
    /** Any bias. Not decayed. */
    BIAS(false),
    /** LayerNorm gain. Not decayed. */
    NORM_WEIGHT(false),
    /** LayerNorm bias. Not decayed. */
    NORM_BIAS(false);

    private final boolean decayed;

    ParameterRole(boolean decayed) {
        this.decayed = decayed;
    }

    /** Whether weight decay applies (reference-facts 1.5: weights and embeddings yes, biases and norms no). */
    public boolean decayed() {
        return decayed;
    }
}
