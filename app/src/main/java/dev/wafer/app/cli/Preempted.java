package dev.wafer.app.cli;

/**
 * A run stopped by a preemption signal after writing its checkpoint; the command has already said where and how to
 * resume, so the CLI only exits with {@link StopSignals#PREEMPTED}.
 */
final class Preempted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Preempted() {
        super("preempted", null, false, false);
    }
}
