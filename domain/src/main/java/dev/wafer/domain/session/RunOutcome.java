package dev.wafer.domain.session;

import java.util.Optional;

import dev.wafer.domain.eval.CrossEntropyTotals;

/**
 * How a session's {@link TrainingSession#run()} ended.
 *
 * @param state      the run state at the end (what the last checkpoint holds, when checkpointing)
 * @param complete   whether every step of the schedule is done (false when stopped early)
 * @param validation  the held-out loss, scored after a complete run on data with a validation split
 * @param interrupted whether the run stopped because {@link SessionOptions#stopRequested()} asked it to
 */
public record RunOutcome(RunState state, boolean complete, Optional<CrossEntropyTotals> validation,
        boolean interrupted) {
}
