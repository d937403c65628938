package dev.wafer.formats.fileio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;


/**
 * Names what a path is when it is not a regular file (a FIFO, a device, a symbolic link, a directory), so that a
 * reader refuses a FIFO before blocking on it and an {@code --overwrite} never renames a file over a device node.
 */
public final class FileKinds {
    private static final int S_IFMT = 0170000;

    private FileKinds() {
    }

    /**
     * What {@code path} itself is (a symbolic link is not followed) when it exists and is not a regular file.
     *
     * @return e.g. "a FIFO", "a character device", "a symbolic link", "a directory"; empty for a regular file or
     *         a path that does not exist
     */
    public static Optional<String> nonRegular(Path path) {
        return kind(path, LinkOption.NOFOLLOW_LINKS);
    }

    /** As {@link #nonRegular(Path)}, but following a symbolic link: what a reader opening {@code path} would get. */
    public static Optional<String> nonRegularTarget(Path path) {
        return kind(path);
    }

    private static Optional<String> kind(Path path, LinkOption... options) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, options);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (attrs.isRegularFile()) {
            return Optional.empty();
        }
        if (attrs.isSymbolicLink()) {
            return Optional.of("a symbolic link");
        }
        if (attrs.isDirectory()) {
            return Optional.of("a directory");
        }
        return Optional.of(special(path, options));
    }

    private static String special(Path path, LinkOption... options) {
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", options);
            return switch (mode & S_IFMT) {
                case 0010000 -> "a FIFO";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            // No unix view (Windows): the kind is unknown, only that it is not a plain file.
            return "a special file";
        }
    }


    /**
     * Why {@code file} cannot be read as a file: "no such file", "is a directory" or e.g. "is a FIFO, not a regular
     * file", for a message {@code flag + " " + file + ": " + why}. Meant for a path already found not to be a
     * regular file.
     */
    public static String whyNotAFile(Path file) {
        return nonRegularTarget(file).map(k -> k.equals("a directory") ? "is a directory, not a file"
                : "is " + k + ", not a regular file").orElse("no such file");
    }

}
