package dev.wafer.ports.checkpoint;

import java.nio.file.Path;
import java.util.Objects;

/** A checkpoint could not be written, or a file is not a usable checkpoint; the message names the file and what is wrong. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What went wrong, so that callers (and tests) can react without parsing the message. */
    public enum Problem {
        /** The file ends before the length its header announces. */
        TRUNCATED,
        /** The file does not start with the checkpoint magic: it is not a Wafer checkpoint. */
        WRONG_MAGIC,
        /** The format version is newer than this build reads. */
        NEWER_VERSION,
        /** The header is not valid JSON or lacks a required field. */
        MALFORMED_HEADER,
        /** A checksum (header, one tensor, or the whole file) does not match the stored bytes. */
        CHECKSUM_MISMATCH,
        /** A tensor the caller needs is not in the file. */
        MISSING_TENSOR,
        /** A tensor has a different shape from the one the caller needs. */
        SHAPE_MISMATCH,
        /** The operating system failed to read or write the file. */
        IO
    }

    /** The kind of problem. */
    private final Problem problem;
    private final transient Path file;

    /** Creates an exception whose message is prefixed with the file. */
    public CheckpointException(Problem problem, Path file, String detail) {
        this(problem, file, detail, null);
    }

    /** Creates an exception whose message is prefixed with the file, keeping the cause. */
    public CheckpointException(Problem problem, Path file, String detail, Throwable cause) {
        super(oneLine("checkpoint " + file + ": " + detail), cause);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.file = file;
    }

    /**
     * The message with line breaks and other control characters escaped: details quote the file's own text (a
     * tensor name, a dtype), which may hold any character, and the message must stay one line.
     */
    private static String oneLine(String message) {
        StringBuilder sb = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The kind of problem. */
    public Problem problem() {
        return problem;
    }

    /** The checkpoint file concerned. */
    public Path file() {
        return file;
    }
}
