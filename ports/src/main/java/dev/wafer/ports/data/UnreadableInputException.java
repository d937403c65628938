package dev.wafer.ports.data;

import java.io.IOException;

/**
 * An input cannot be read (permission denied, a read error of the device, a file that vanished). The message is
 * complete for the user as it is: it names the input and the operating system's reason, e.g.
 * {@code cannot read --input /data/00.jsonl: permission denied}. It is a fact of the machine, not a malformed input.
 */
public class UnreadableInputException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Carries the message, complete for the user.
     *
     * @param message names the input and the reason
     */
    public UnreadableInputException(String message) {
        super(message);
    }

    /**
     * Carries the message, complete for the user, and the operating system's error as the cause.
     *
     * @param message names the input and the reason
     * @param cause   the operating system's error
     */
    public UnreadableInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
