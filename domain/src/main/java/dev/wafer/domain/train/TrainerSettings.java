package dev.wafer.domain.train;

/**
 * What a {@link Trainer} needs besides its model, optimizer, data and schedule.
 *
 * @param batchTokens tokens per optimizer step; a multiple of the model's micro-batch B·T
 * @param flopsPerToken model FLOPs per token for one forward+backward (Appendix F), for the FLOP/s metric
 * @param skipNonFinite skip a step whose loss or gradient is not finite instead of stopping
 */
public record TrainerSettings(long batchTokens, double flopsPerToken, boolean skipNonFinite) {
    /**
     * Rejects a batch below one token and a FLOP count that is negative or NaN.
     *
     * @throws IllegalArgumentException for a non-positive batch or a negative FLOP count
     */
    public TrainerSettings {
        if (batchTokens < 1 || !(flopsPerToken >= 0)) {
            throw new IllegalArgumentException("bad trainer settings " + this);
        }
    }
}
