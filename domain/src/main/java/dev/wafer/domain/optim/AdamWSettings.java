package dev.wafer.domain.optim;

/**
 * Optimizer hyper-parameters.
 *
 * @param beta1 0.9 for Cerebras-GPT
 * @param beta2 0.95 for Cerebras-GPT
 * @param eps 1e-8 (1e-9 for 6.7B and 13B)
 * @param weightDecay 0.1, applied to weights and embeddings only
 * @param maxGradNorm global-norm clipping threshold (1.0); zero or negative disables clipping; finite, since every
 *                    checkpoint records it as a JSON number
 */
public record AdamWSettings(double beta1, double beta2, double eps, double weightDecay, double maxGradNorm) {
    /**
     * Checks the betas, epsilon and weight decay, and that the clipping threshold is finite (any finite value: zero
     * or negative disables clipping).
     *
     * @throws IllegalArgumentException for betas outside [0, 1), a negative or non-finite eps or decay, or a
     *                                  non-finite maxGradNorm
     */
    public AdamWSettings {
        // The parameters, not this: the fields are not assigned yet in a compact constructor.
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1) || !(eps >= 0) || !(weightDecay >= 0)
                || Double.isInfinite(eps) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("bad AdamW settings: beta1 " + beta1 + " and beta2 " + beta2
                    + " must be in [0, 1), eps " + eps + " and weight decay " + weightDecay
                    + " finite and not negative");
        }
        if (!Double.isFinite(maxGradNorm)) {
            // A checkpoint records it as a JSON number, which has no infinity or NaN: the file would not open again.
            throw new IllegalArgumentException("bad AdamW settings: maxGradNorm must be finite (zero or negative"
                    + " disables clipping), found " + maxGradNorm);
        }
    }

    /** Cerebras-GPT's settings with the given epsilon. */
    public static AdamWSettings cerebras(double eps) {
        return new AdamWSettings(0.9, 0.95, eps, 0.1, 1.0);
    }
}
