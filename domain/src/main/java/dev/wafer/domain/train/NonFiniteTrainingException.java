package dev.wafer.domain.train;

/** Training hit a NaN or infinity: names the step and what went non-finite. */
public final class NonFiniteTrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long step;

    public NonFiniteTrainingException(long step, String what) {
        super("step " + step + ": " + what);
        this.step = step;
    }

    /** The 1-based optimizer step. */
    public long step() {
        return step;
    }
}
