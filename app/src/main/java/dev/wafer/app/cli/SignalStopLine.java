package dev.wafer.app.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import dev.wafer.domain.session.RunOutcome;
import dev.wafer.formats.checkpoint.ModelCheckpoints;

/**
 * The one line a {@code wafer train} run that a signal stopped ends with, and its exit code: 75 only when a
 * checkpoint to resume from was written (a Slurm wrapper requeues on 75), else 128 + the signal's number.
 */
final class SignalStopLine {
    private SignalStopLine() {
    }

    /**
     * Says how a signal stopped the run, when one did.
     *
     * @param outDir  where the run saved, or null when it saved nothing
     * @param backend the backend the run trained on, named in the advice
     * @return the exception that exits with the stop's code, or null when no signal stopped the run
     */
    static Preempted report(PrintWriter err, StopSignals signals, RunOutcome outcome, Path outDir, TrainFlags f,
                            String backend) {
        long step = outcome.state().position().step();
        String line;
        int code;
        if (outcome.interrupted()) {
            line = signals.received() + ": stopped after step " + step + (outDir == null
                    ? " (no --out: nothing was saved)"
                    : "; checkpoint in " + outDir + "; continue with: " + ResumeCommand.of(outDir, backend,
                            f.stopAt(), f.maxTokens(), f.checkpointEvery()));
            code = outDir == null ? signals.unsavedExitCode() : StopSignals.PREEMPTED;
        } else if (outcome.validationStopped()) {
            // Training is over: there is nothing to resume, and 75 would have a wrapper requeue a finished run.
            String dir = outDir == null ? null : ResumeCommand.quote(outDir.toString());
            line = signals.received() + ": stopped the end-of-run validation (no validation loss) after all " + step
                    + " steps" + (outDir == null ? " (no --out: nothing was saved)"
                    : "; they were saved before it, in " + outDir.resolve(ModelCheckpoints.FILE_NAME)
                    + "; the run is complete: wafer train --resume " + dir + " only says so and scores nothing;"
                    + " wafer eval --checkpoint " + dir + " --data DATA scores held-out data");
            code = signals.unsavedExitCode();
        } else {
            return null;
        }
        err.println("wafer: " + line);
        err.flush();
        return new Preempted(code);
    }
}
