package dev.wafer.formats.fileio;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The words for an I/O failure in a one-line message: the operating system's reason ("no space left on device",
 * "file too large", "permission denied"), not a Java exception's class name, and the user's path, not the name of the
 * temporary file Wafer was writing beside it.
 */
public final class IoReason {
    /**
     * Temporary names derived from a target's: {@code .NAME.tmp-HEX}, {@code .NAME.PID.tmp}, {@code .NAME.HEX.tmp},
     * {@code .NAME.wafer.tmp-HEX}, a data prepare's build {@code .NAME.prepare-PID} and lock files
     * {@code .NAME.lock}, {@code .NAME.prepare.lock}.
     */
    private static final Pattern TEMP = Pattern.compile("\\.(.+?)(?:\\.tmp-[0-9a-f]+|\\.[0-9a-z]+\\.tmp"
            + "|\\.prepare-\\d+|\\.prepare\\.lock|\\.lock)");

    private IoReason() {
    }

    /**
     * The reason of {@code failure}: the innermost cause that says something (an image encoder's "I/O error writing
     * PNG file!" says less than its cause), as the operating system words it, starting in lower case.
     *
     * @param failure the exception caught
     * @return e.g. {@code no space left on device}, {@code permission denied}
     */
    public static String of(Throwable failure) {
        Throwable t = failure;
        // A wrapper of an I/O failure (an image encoder's IIOException, an UncheckedIOException) says less than it.
        while (t.getCause() != null && t.getCause() != t && !(t instanceof FileSystemException)
                && (t.getCause() instanceof java.io.IOException || t.getMessage() == null)) {
            t = t.getCause();
        }
        String reason;
        if (t instanceof FileSystemException fs && fs.getReason() != null) {
            reason = fs.getReason();
        } else if (t instanceof AccessDeniedException) {
            reason = "permission denied";
        } else if (t instanceof NoSuchFileException) {
            reason = "no such file or directory";
        } else if (t instanceof FileAlreadyExistsException) {
            reason = "file exists";
        } else if (t instanceof NotDirectoryException) {
            reason = "not a directory";
        } else if (t.getMessage() != null && !t.getMessage().isBlank()) {
            reason = t.getMessage();
        } else {
            reason = t.getClass().getSimpleName();
        }
        return lowerFirst(reason.strip());
    }

    /**
     * The file a {@link FileSystemException} in {@code failure}'s causes names, as the user knows it (see
     * {@link #userPath(Path)}).
     *
     * @param failure the exception caught
     * @return the file, or null when no cause names one (a full disk's write names none)
     */
    public static Path file(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FileSystemException fs && fs.getFile() != null) {
                return userPath(Path.of(fs.getFile()));
            }
        }
        return null;
    }

    /**
     * {@code file} with a temporary name derived from a target's replaced by the target's.
     *
     * @param file a file an exception named
     * @return the target the temporary file was for, or {@code file} when its name is not such a temporary name
     */
    public static Path userPath(Path file) {
        // Every component: a file inside a data prepare's build (.ds.prepare-PID/train-00000.bin) is ds's.
        Path mapped = file.getRoot();
        for (Path part : file) {
            var m = TEMP.matcher(part.toString());
            String name = m.matches() ? m.group(1) : part.toString();
            mapped = mapped == null ? Path.of(name) : mapped.resolve(name);
        }
        return mapped == null ? file : mapped;
    }

    private static String lowerFirst(String s) {
        if (s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            return s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1);
        }
        return s;
    }
}
