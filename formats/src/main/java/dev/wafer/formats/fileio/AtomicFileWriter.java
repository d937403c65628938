package dev.wafer.formats.fileio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically: the content goes to a temporary file in the same directory, is forced to the
 * device, renamed over the target, and the directory is synced so the rename itself survives a power loss.
 * A crash at any point leaves either the old file or the complete new one under the target name, never a mix.
 */
public final class AtomicFileWriter {
    /** Writes the whole content of a file through the given channel, starting at position 0. */
    @FunctionalInterface
    public interface Body {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFileWriter() {
    }

    /**
     * Writes {@code target} atomically.
     *
     * @throws IOException when any step fails; the temporary file is then removed and the target is unchanged
     */
    public static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        refuseSpecial(absolute);
        Files.createDirectories(dir);
        // Same directory as the target: a rename is only atomic within one file system.
        Path temp = dir.resolve("." + absolute.getFileName() + ".tmp-" + randomSuffix());
        boolean done = false;
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                body.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically; refusing to write "
                        + absolute.getFileName() + " non-atomically", e);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
    }

    /**
     * Refuses a target that is a FIFO, a device or a symbolic link: the rename would replace the node itself with a
     * plain file (a device's users or a link's target would silently lose it).
     */
    static void refuseSpecial(Path target) throws IOException {
        var kind = FileKinds.nonRegular(target);
        if (kind.isPresent() && !kind.get().equals("a directory")) {
            throw new IOException(target + " is " + kind.get() + ", not a regular file; refusing to replace it");
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        // Windows cannot open a directory as a channel; NTFS journals the rename itself there.
        if (System.getProperty("os.name", "").startsWith("Windows")) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static String randomSuffix() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
