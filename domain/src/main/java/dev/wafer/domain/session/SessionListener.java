package dev.wafer.domain.session;

import java.nio.file.Path;

import dev.wafer.domain.eval.CrossEntropyTotals;

/**
 * Hears what a {@link TrainingSession} does, on the training thread, in order. The CLI prints; a library user can
 * collect. Every method but {@link #stepped} does nothing by default.
 */
public interface SessionListener {
    /** A listener that ignores everything. */
    SessionListener NONE = report -> { };

    /** Called once before the first step, with the state the session starts (or resumes) from. */
    default void started(RunState state, boolean resumed) {
    }

    /** Called after every optimizer step. */
    void stepped(StepReport report);

    /** Called after a checkpoint has been written (atomically) to {@code file}. */
    default void checkpointed(RunPosition position, Path file) {
    }

    /** Called with the validation loss after a complete run on data with a validation split. */
    default void validated(CrossEntropyTotals totals) {
    }
}
