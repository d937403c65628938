package dev.wafer.app.cli;

/**
 * A run stopped by a signal; the command has already said what was saved and how to continue, so the CLI only exits
 * with the code: {@link StopSignals#PREEMPTED} after a checkpoint to resume from, 128 + the signal's number when the
 * stop saved nothing to resume (no --out, or a run already complete whose end-of-run validation it cut short).
 */
final class Preempted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    Preempted(int exitCode) {
        super("preempted", null, false, false);
        this.exitCode = exitCode;
    }

    /** The code the CLI exits with. */
    int exitCode() {
        return exitCode;
    }
}
