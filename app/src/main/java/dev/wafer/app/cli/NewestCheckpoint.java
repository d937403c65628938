package dev.wafer.app.cli;

import dev.wafer.domain.eval.CrossEntropyTotals;
import dev.wafer.domain.session.RunPosition;
import dev.wafer.domain.session.RunState;
import dev.wafer.domain.session.SessionListener;
import dev.wafer.domain.session.StepReport;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.ports.compute.DeviceFailureException;
import java.nio.file.Path;

/**
 * Passes a training session's events on and remembers the newest checkpoint the run can continue from: the one it
 * wrote last, or the one it resumed from. A device that fails mid-run loses what is on it, so the user's next step
 * is that checkpoint, and the failure's one line says where it is.
 */
final class NewestCheckpoint implements SessionListener {
    private final SessionListener next;
    private final Long stopAt;
    private final Long maxTokens;
    private final Long checkpointEvery;
    /** The newest checkpoint and its step, as one value: a second signal's line reads it on another thread. */
    private record Saved(Path file, long step) {
    }

    private volatile Saved saved;

    /**
     * @param resumedFrom the checkpoint file the run resumed from, or null for a new run
     * @param resumedStep its step
     * @param stopAt      the run's --stop-at, or null (the advice carries it: the checkpoint does not record it)
     * @param maxTokens   the run's --max-tokens, or null
     */
    NewestCheckpoint(SessionListener next, Path resumedFrom, long resumedStep, Long stopAt, Long maxTokens) {
        this(next, resumedFrom, resumedStep, stopAt, maxTokens, null);
    }

    /** As above, with the run's --checkpoint-every (or null), which the advice carries too. */
    NewestCheckpoint(SessionListener next, Path resumedFrom, long resumedStep, Long stopAt, Long maxTokens,
                     Long checkpointEvery) {
        this.next = next;
        this.saved = new Saved(resumedFrom, resumedStep);
        this.stopAt = stopAt;
        this.maxTokens = maxTokens;
        this.checkpointEvery = checkpointEvery;
    }

    @Override
    public void started(RunState state, boolean resumed) {
        next.started(state, resumed);
    }

    @Override
    public void stepped(StepReport report) {
        next.stepped(report);
    }

    @Override
    public void checkpointed(RunPosition position, Path written) {
        saved = new Saved(written, position.step());
        next.checkpointed(position, written);
    }

    @Override
    public void validated(CrossEntropyTotals totals) {
        next.validated(totals);
    }

    /** {@code failure} with where the run can continue from (or that nothing was saved) added to its line. */
    DeviceFailureException explain(DeviceFailureException failure) {
        DeviceFailureException explained = new DeviceFailureException(failure.backend(), failure.getMessage() + "; "
                + continueFrom(failure.backend()), failure.outOfMemory());
        explained.initCause(failure);
        return explained;
    }

    /** Where the run can continue from, in words (the advice names no backend). */
    String continueFrom() {
        return continueFrom(null);
    }

    /** Where the run can continue from, in words, the advice resuming on {@code backend} (null: not named). */
    String continueFrom(String backend) {
        Saved now = saved;
        Path file = now.file();
        long step = now.step();
        if (file == null) {
            return "nothing was saved (--out DIR with --checkpoint-every N keeps checkpoints to continue from)";
        }
        Path resume = file.getFileName().toString().equals(ModelCheckpoints.FILE_NAME) && file.getParent() != null
                ? file.getParent() : file;
        return "the newest checkpoint, step " + step + ", is " + file + "; continue with: "
                + ResumeCommand.of(resume, backend, stopAt, maxTokens, checkpointEvery);
    }
}
