package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

import dev.wafer.ports.data.UnreadableInputException;

/**
 * One-line errors for files that cannot be read or written. Java's file errors carry the reason in their type
 * ({@code AccessDeniedException: /x/y.jsonl} says "permission denied" only by its class name), which is lost when
 * a message travels as text, e.g. from the rank that read the input to rank 0; so the reason is spelled out here.
 */
final class IoFailures {
    private IoFailures() {
    }

    /** {@code cannot read --input NAME: REASON}, with {@code e} as the cause. */
    static UnreadableInputException unreadableInput(String name, IOException e) {
        if (e instanceof UnreadableInputException u) {
            return u;
        }
        String what = name.startsWith("embedded:") ? name : "--input " + name;
        return new UnreadableInputException("cannot read " + what + ": " + reason(e), e);
    }

    /** The operating system's reason in words, e.g. "permission denied". */
    static String reason(IOException e) {
        if (e instanceof FileSystemException f && f.getReason() != null && !f.getReason().isBlank()) {
            String r = f.getReason().strip();
            return r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException) {
            return e.getClass().getSimpleName(); // its message is only the file's name
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip().replaceAll("\\s+", " ");
    }
}
