package dev.wafer.formats.input;

import dev.wafer.formats.fileio.FileKinds;
import java.nio.file.Path;

/**
 * The refusals a command gives for a path that is not a regular file ({@link FileKinds} tells what it is): apart
 * from {@code fileio}, which the checkpoint format shares with embedders and so names no input exception.
 */
public final class FileChecks {
    private FileChecks() {
    }

    /**
     * Refuses to let {@code --overwrite} replace {@code target} when it exists and is not a regular file: renaming
     * a new file over a FIFO, a device node or a symbolic link would silently turn it into a plain file.
     *
     * @param flag the option that named {@code target}, for the message
     * @throws InvalidInputException naming the flag, the path and what it is
     */
    public static void checkReplaceable(String flag, Path target) {
        FileKinds.nonRegular(target).filter(k -> !k.equals("a directory")).ifPresent(k -> {
            throw new InvalidInputException(flag + " " + target + " is " + k
                    + ", not a regular file; --overwrite replaces regular files only");
        });
    }

    /**
     * Refuses a file to be read that exists but is not a regular file (following links): a FIFO would block the
     * read forever, and a directory or device is not a file the user meant.
     *
     * @param flag the option that named {@code file}, for the message
     * @throws InvalidInputException naming the flag, the path and what it is
     */
    public static void checkReadable(String flag, Path file) {
        FileKinds.nonRegularTarget(file).ifPresent(k -> {
            throw new InvalidInputException(flag + " " + file + " is " + k
                    + (k.equals("a directory") ? "; give a file" : ", not a regular file; give a file"));
        });
    }
}
