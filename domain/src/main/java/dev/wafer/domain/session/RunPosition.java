package dev.wafer.domain.session;

import java.util.Objects;

import dev.wafer.domain.precision.LossScaleState;

/**
 * Where a run stands: what a checkpoint must restore for the resumed run to continue exactly.
 *
 * @param step         optimizer steps done (taken or skipped)
 * @param tokens       tokens trained
 * @param adamSteps    updates AdamW has applied (its bias correction uses them)
 * @param dataPosition sequences drawn from the training data
 * @param lossScale    the fp16 loss scaler's state ({@link LossScaleState#UNSCALED} for other precisions)
 */
public record RunPosition(long step, long tokens, long adamSteps, long dataPosition, LossScaleState lossScale) {
    /** The start of a run. */
    public static final RunPosition START = new RunPosition(0, 0, 0, 0);

    /** A position of a run without loss scaling. */
    public RunPosition(long step, long tokens, long adamSteps, long dataPosition) {
        this(step, tokens, adamSteps, dataPosition, LossScaleState.UNSCALED);
    }

    /**
     * Rejects a null loss-scale state, a negative count and more AdamW updates than steps.
     *
     * @throws IllegalArgumentException for a negative count
     */
    public RunPosition {
        Objects.requireNonNull(lossScale, "lossScale");
        if (step < 0 || tokens < 0 || adamSteps < 0 || dataPosition < 0 || adamSteps > step) {
            throw new IllegalArgumentException("invalid run position: step " + step + ", tokens " + tokens
                    + ", adam steps " + adamSteps + ", data position " + dataPosition);
        }
    }
}
