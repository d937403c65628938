package dev.wafer.app.tasks;

/** A task file cannot be read; the message names the file, the line and the field. */
public final class TaskFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskFileException(String message) {
        super(message);
    }

    public TaskFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
