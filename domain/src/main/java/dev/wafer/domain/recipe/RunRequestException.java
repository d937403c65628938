package dev.wafer.domain.recipe;

/**
 * A run request that cannot be carried out. The message is one line that names the setting (as its flag, e.g.
 * {@code --steps}) and what is wrong, because a command line prints it as is.
 */
public final class RunRequestException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception with the given message.
     *
     * @param message one line naming the setting and the problem
     */
    public RunRequestException(String message) {
        super(message);
    }
}
