package dev.wafer.domain.train;

/** Training hit a NaN or infinity: names the step and what went non-finite. */
public final class NonFiniteTrainingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * The advice a message gives when a smaller peak learning rate (the schedule's) would help. Messages name the
     * API's parameters; a command line that calls them otherwise replaces these phrases with its flags.
     */
    public static final String SMALLER_PEAK_LR = "train again with a smaller peak learning rate";
    /** The cause a message names when the peak learning rate was most likely too high. */
    public static final String TOO_HIGH_PEAK_LR = "too high a peak learning rate";
    /** The option that skips non-finite steps ({@code RunSpec.skipNonFinite}), as messages name it. */
    public static final String SKIP_NON_FINITE = "skipNonFinite";

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
