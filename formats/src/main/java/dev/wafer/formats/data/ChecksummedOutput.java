package dev.wafer.formats.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An output stream to a dataset file that computes the file's CRC-32C and size as it writes, and reports them
 * ({@link FileCheck}) when closed, so recording a checksum costs no second read. It buffers; close it.
 */
final class ChecksummedOutput extends OutputStream {
    private final Path file;
    private final SeekableByteChannel channel;
    private final Consumer<FileCheck> onClose;
    private final boolean durable;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer buffer;
    private long bytes;
    private boolean closed;

    /** A dataset file, forced to the device when closed. */
    ChecksummedOutput(OutputChannels channels, Path file, int bufferSize, Consumer<FileCheck> onClose) throws IOException {
        this(channels, file, bufferSize, onClose, true);
    }

    /** A scratch file: not forced, its checksum unused. */
    static ChecksummedOutput scratch(OutputChannels channels, Path file, int bufferSize) throws IOException {
        return new ChecksummedOutput(channels, file, bufferSize, check -> { }, false);
    }

    /** A scratch file whose checksum is wanted (a rank's piece, copied into place and forced there): not forced. */
    static ChecksummedOutput scratch(OutputChannels channels, Path file, int bufferSize, Consumer<FileCheck> onClose)
            throws IOException {
        return new ChecksummedOutput(channels, file, bufferSize, onClose, false);
    }

    private ChecksummedOutput(OutputChannels channels, Path file, int bufferSize, Consumer<FileCheck> onClose,
            boolean durable) throws IOException {
        this.durable = durable;
        this.file = file;
        this.channel = channels.create(file);
        this.onClose = onClose;
        this.buffer = ByteBuffer.allocate(bufferSize);
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            flushBuffer();
        }
        buffer.put((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (!buffer.hasRemaining()) {
                flushBuffer();
            }
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
        }
    }

    private void flushBuffer() throws IOException {
        buffer.flip();
        crc.update(buffer.duplicate());
        bytes += buffer.remaining();
        DatasetFiles.writeFully(file, channel, buffer);
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            flushBuffer();
            if (durable) {
                OutputChannels.force(channel);
            }
        }
        onClose.accept(new FileCheck(bytes, crc.getValue()));
    }
}
