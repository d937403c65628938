package dev.wafer.formats.fileio;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file atomically when its content comes from code that writes to a path (an image encoder, a chart
 * library): that code writes {@code .NAME.tmp-RANDOM} beside the target, which is forced to the device and renamed
 * over the target. A failure (a full disk, a file size limit, a kill) leaves the previous file as it was; the
 * temporary file is removed on failure. {@link AtomicFileWriter} is the same for content written to a channel.
 */
public final class AtomicPathWriter {
    /** Writes the whole content of a new file at the given path. */
    @FunctionalInterface
    public interface Body {
        void writeTo(Path temp) throws IOException;
    }

    private AtomicPathWriter() {
    }

    /** The prefix of the temporary files written for {@code target}: {@code .NAME.tmp-}. */
    public static String tempPrefix(Path target) {
        return "." + target.toAbsolutePath().getFileName() + ".tmp-";
    }

    /**
     * Writes {@code target} atomically.
     *
     * @throws IOException when any step fails; the target is then unchanged
     */
    public static void write(Path target, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        byte[] random = new byte[6];
        ThreadLocalRandom.current().nextBytes(random);
        Path temp = absolute.resolveSibling(tempPrefix(absolute) + HexFormat.of().formatHex(random));
        boolean done = false;
        try {
            body.writeTo(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(temp);
            }
        }
        try (FileChannel dir = FileChannel.open(absolute.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform can sync a directory; the rename itself is atomic.
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) throws IOException {
        write(target, temp -> Files.writeString(temp, text, StandardCharsets.UTF_8));
    }
}
