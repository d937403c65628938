package dev.wafer.ports.collective;

/** A collective operation failed (the library reported an error code, or a rank stopped answering). */
public final class CollectiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Carries the failure's one-line message.
     *
     * @param message one line naming the operation and the cause
     */
    public CollectiveException(String message) {
        super(message);
    }
}
