package dev.wafer.domain.session;

/**
 * Where a run stands: what a checkpoint must restore for the resumed run to continue exactly.
 *
 * @param step         optimizer steps done (taken or skipped)
 * @param tokens       tokens trained
 * @param adamSteps    updates AdamW has applied (its bias correction uses them)
 * @param dataPosition sequences drawn from the training data
 */
public record RunPosition(long step, long tokens, long adamSteps, long dataPosition) {
    /** The start of a run. */
    public static final RunPosition START = new RunPosition(0, 0, 0, 0);

    /** @throws IllegalArgumentException for a negative count */
    public RunPosition {
        if (step < 0 || tokens < 0 || adamSteps < 0 || dataPosition < 0 || adamSteps > step) {
            throw new IllegalArgumentException("invalid run position: step " + step + ", tokens " + tokens
                    + ", adam steps " + adamSteps + ", data position " + dataPosition);
        }
    }
}
