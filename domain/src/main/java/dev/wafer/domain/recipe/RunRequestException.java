package dev.wafer.domain.recipe;

/**
 * A run request that cannot be carried out. The message is one line that names the setting (as its flag, e.g.
 * {@code --steps}) and what is wrong, because a command line prints it as is.
 */
public final class RunRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** The resume conflict this refuses, for a caller that words it its own way; null for other refusals. */
    private final transient ResumePolicy.Conflict conflict;

    /**
     * An exception with the given message.
     *
     * @param message one line naming the setting and the problem
     */
    public RunRequestException(String message) {
        this(message, null);
    }

    /**
     * A refused resume: {@code conflict} is the fixed setting the request changes ({@link ResumePolicy}).
     *
     * @param message  one line naming the setting and the problem
     * @param conflict the setting, what the request gives and what the checkpoint has; null for other refusals
     */
    public RunRequestException(String message, ResumePolicy.Conflict conflict) {
        super(message);
        this.conflict = conflict;
    }

    /**
     * The resume conflict behind this refusal, if it is one, so that a command line can say it in its own words
     * (its flag names, its list of what may change) without checking the policy a second time.
     */
    public java.util.Optional<ResumePolicy.Conflict> resumeConflict() {
        return java.util.Optional.ofNullable(conflict);
    }
}
