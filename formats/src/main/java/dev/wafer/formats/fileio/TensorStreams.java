package dev.wafer.formats.fileio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.Checksum;

import dev.wafer.ports.checkpoint.TensorSource;

/**
 * Moves float32 tensors between {@link TensorSource}s / {@link FloatBuffer}s and file channels in fixed-size
 * little-endian chunks, so memory use stays at one chunk whatever the model size.
 */
public final class TensorStreams {
    /** Chunk size: large enough for sequential throughput, small enough to be irrelevant next to a model. */
    public static final int CHUNK_BYTES = 1 << 20;

    private TensorStreams() {
    }

    /** A direct little-endian buffer of {@link #CHUNK_BYTES}. */
    public static ByteBuffer newChunk() {
        return ByteBuffer.allocateDirect(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Appends the tensor's elements as little-endian float32 at the channel's current position.
     *
     * @param checksums updated with every byte written, in order (may be empty)
     */
    public static void write(FileChannel channel, TensorSource source, ByteBuffer chunk, Checksum... checksums)
            throws IOException {
        long total = source.spec().elementCount();
        int perChunk = chunk.capacity() / Float.BYTES;
        long done = 0;
        while (done < total) {
            int n = (int) Math.min(perChunk, total - done);
            chunk.clear();
            FloatBuffer floats = chunk.asFloatBuffer();
            floats.limit(n);
            source.copyTo(done, floats);
            if (floats.position() != n) {
                throw new IllegalStateException("tensor source " + source.spec().name() + " supplied "
                        + floats.position() + " of " + n + " elements at element " + done);
            }
            chunk.limit(n * Float.BYTES);
            update(chunk, checksums);
            writeFully(channel, chunk);
            done += n;
        }
    }

    /**
     * Reads {@code destination.remaining()} little-endian float32 values from the channel at {@code position}.
     *
     * @throws IOException when the file ends first
     */
    public static void read(FileChannel channel, long position, FloatBuffer destination, ByteBuffer chunk) throws IOException {
        long pos = position;
        while (destination.hasRemaining()) {
            int n = Math.min(chunk.capacity() / Float.BYTES, destination.remaining());
            chunk.clear().limit(n * Float.BYTES);
            readFully(channel, pos, chunk);
            chunk.flip();
            destination.put(chunk.asFloatBuffer());
            pos += (long) n * Float.BYTES;
        }
    }

    /** Writes all remaining bytes of {@code buffer}. */
    public static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Fills the remaining bytes of {@code buffer} from {@code position}, failing on end of file. */
    public static void readFully(FileChannel channel, long position, ByteBuffer buffer) throws IOException {
        long pos = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, pos);
            if (n < 0) {
                throw new java.io.EOFException("unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    /** Feeds the buffer's remaining bytes to each checksum without moving its position. */
    public static void update(ByteBuffer buffer, Checksum... checksums) {
        for (Checksum checksum : checksums) {
            checksum.update(buffer.duplicate());
        }
    }
}
