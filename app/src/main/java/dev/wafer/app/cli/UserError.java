package dev.wafer.app.cli;

/** A mistake in what the user asked for; the CLI prints its message as one line and exits with code 2. */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }
}
