package dev.wafer.domain.session;

import java.util.Optional;

import dev.wafer.domain.eval.CrossEntropyTotals;

/**
 * How a session's {@link TrainingSession#run()} ended.
 *
 * @param state             the run state at the end (what the last checkpoint holds, when checkpointing)
 * @param complete          whether every step of the schedule is done (false when stopped early)
 * @param validation        the held-out loss, scored after a complete run on data with a validation split
 * @param interrupted       whether the run stopped because {@link SessionOptions#stopRequested()} asked it to
 * @param validationStopped whether a stop request ({@link SessionOptions#stopRequested()}, asked for during the last
 *                          step or the end-of-run validation) left the validation unscored: the run is complete and,
 *                          when checkpointing, saved, but {@code validation} is empty
 */
public record RunOutcome(RunState state, boolean complete, Optional<CrossEntropyTotals> validation,
        boolean interrupted, boolean validationStopped) {

    /** An outcome whose validation, if any, was not stopped. */
    public RunOutcome(RunState state, boolean complete, Optional<CrossEntropyTotals> validation, boolean interrupted) {
        this(state, complete, validation, interrupted, false);
    }
}
