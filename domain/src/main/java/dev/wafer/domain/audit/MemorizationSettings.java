package dev.wafer.domain.audit;

/**
 * What a memorization audit measures.
 *
 * @param prefix       P: tokens fed to the model (Carlini et al. use 50)
 * @param suffix       S: tokens generated and compared with the true continuation (50)
 * @param samples      windows to draw (all windows when the corpus has fewer)
 * @param seed         seed of the draw
 * @param topDocuments how many of the most memorized documents to name
 */
public record MemorizationSettings(int prefix, int suffix, int samples, long seed, int topDocuments) {
    /**
     * Rejects a prefix, suffix or sample count below 1 and a negative number of top documents, naming the parameter
     * (the CLI names its flags itself).
     */
    public MemorizationSettings {
        if (prefix < 1) {
            throw new IllegalArgumentException("prefix must be >= 1, found " + prefix);
        }
        if (suffix < 1) {
            throw new IllegalArgumentException("suffix must be >= 1, found " + suffix);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, found " + samples);
        }
        if ((long) prefix + suffix > Integer.MAX_VALUE) {
            // P + S windows index int positions; a sum past 2^31 - 1 would wrap and slip past every length check.
            throw new IllegalArgumentException("prefix " + prefix + " + suffix " + suffix + " is more tokens"
                    + " than any model or dataset row holds");
        }
        if (topDocuments < 0) {
            throw new IllegalArgumentException("topDocuments must be >= 0, found " + topDocuments);
        }
    }

    /** Tokens per window: P + S. */
    public int window() {
        return prefix + suffix;
    }

    /** Positions the model's cache needs: the prefix and all generated tokens but the last (never fed back). */
    public int positions() {
        return prefix + suffix - 1;
    }
}
