package dev.wafer.domain.precision;

/**
 * What a {@link GradientScaler} carries from step to step; a checkpoint saves it so a resumed fp16 run scales
 * exactly as the uninterrupted one.
 *
 * @param scale         the current loss scale (1 for a run without loss scaling)
 * @param growthTracker consecutive steps with finite gradients since the scale last changed
 */
public record LossScaleState(double scale, long growthTracker) {
    /** The state of a run that does not scale its loss. */
    public static final LossScaleState UNSCALED = new LossScaleState(1.0, 0);

    /**
     * Checks that the scale is finite and positive and the growth tracker not negative.
     *
     * @throws IllegalArgumentException for a scale that is not finite and positive, or a negative tracker
     */
    public LossScaleState {
        if (!(scale > 0) || Double.isInfinite(scale) || growthTracker < 0) {
            throw new IllegalArgumentException("invalid loss-scale state: scale " + scale + ", growth tracker "
                    + growthTracker);
        }
    }
}
