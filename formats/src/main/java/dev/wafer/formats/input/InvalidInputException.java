package dev.wafer.formats.input;

/**
 * Something the user supplied (a flag value, a file named by a flag, the contents of such a file) cannot be used.
 * The message names the flag or file and what is wrong with it, in one line, because the CLI prints it as is.
 *
 * <p>It extends {@link IllegalArgumentException} so that callers that already treat bad arguments alike keep
 * working, but the reverse does not hold: a plain {@code IllegalArgumentException} is a programming error.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param message one line naming the flag or file and the problem */
    public InvalidInputException(String message) {
        super(message);
    }

    /**
     * @param message one line naming the flag or file and the problem
     * @param cause   the lower-level failure (a JSON parse error, a native library error)
     */
    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
