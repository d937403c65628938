package dev.wafer.domain.generate;

/** Why generation ended. */
public enum StopReason {
    /** The model produced the end-of-text token. */
    END_OF_TEXT,
    /** The requested number of new tokens was produced. */
    MAX_TOKENS,
    /** The model's context (and KV cache) is full. */
    CONTEXT_FULL
}
