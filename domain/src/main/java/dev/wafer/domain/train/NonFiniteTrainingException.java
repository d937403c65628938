package dev.wafer.domain.train;

/** Training hit a NaN or infinity: names the step and what went non-finite. */
public final class NonFiniteTrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The 1-based optimizer step. */
    private final long step;

    /**
     * An exception whose message names the step and what went non-finite.
     *
     * @param step 1-based optimizer step
     * @param what what went non-finite
     */
    public NonFiniteTrainingException(long step, String what) {
        super("step " + step + ": " + what);
        this.step = step;
    }

    /** The 1-based optimizer step. */
    public long step() {
        return step;
    }
}
