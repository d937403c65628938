package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * How a dataset's files are created: every writer of a prepared dataset opens its file here, so that tests can
 * stand in a file system that fails (a full disk) without a real one.
 */
@FunctionalInterface
interface OutputChannels {
    /** Real files, created or truncated. */
    OutputChannels FILES = file -> FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);

    /** Creates {@code file}, replacing it if it exists, for writing. */
    SeekableByteChannel create(Path file) throws IOException;

    /** Forces a channel's bytes to the device where it is a file, so a renamed-into-place dataset is complete. */
    static void force(SeekableByteChannel channel) throws IOException {
        if (channel instanceof FileChannel file) {
            file.force(true);
        }
    }
}
