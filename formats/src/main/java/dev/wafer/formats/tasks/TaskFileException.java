package dev.wafer.formats.tasks;

/** A task file cannot be read; the message names the file, the line and the field. */
public final class TaskFileException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TaskFileException(String message) {
        super(oneLine(message));
    }

    public TaskFileException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** Escapes control characters: messages quote the file's text (a task name, a field), which may hold a line break. */
    private static String oneLine(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        message.chars().forEach(c -> sb.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.toString();
    }
}
