package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A run file: little-endian (i64 key, i32 id) pairs. */
final class RunFilePairSource implements PairSource {
    private final Path path;
    private final FileChannel in;
    private final ByteBuffer buf = ByteBuffer.allocate(RunFilePairWriter.BUFFER_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);
    private long key;
    private int id;
    private long left;

    RunFilePairSource(Path path) throws IOException {
        this(path, 0, Long.MAX_VALUE);
    }

    /** The pairs {@code [first, end)} of the file only. */
    RunFilePairSource(Path path, long first, long end) throws IOException {
        this.path = path;
        this.in = FileChannel.open(path, StandardOpenOption.READ);
        in.position(first * RunFilePairWriter.PAIR_BYTES);
        this.left = end - first;
        buf.flip();
    }

    @Override
    public boolean next() throws IOException {
        if (left == 0) {
            return false;
        }
        left--;
        if (buf.remaining() < RunFilePairWriter.PAIR_BYTES) {
            buf.compact();
            while (buf.position() < RunFilePairWriter.PAIR_BYTES || buf.hasRemaining()) {
                if (in.read(buf) < 0) {
                    break;
                }
            }
            buf.flip();
            if (buf.remaining() == 0) {
                return false;
            }
            if (buf.remaining() < RunFilePairWriter.PAIR_BYTES) {
                throw new IOException(path + ": run file ends inside a pair");
            }
        }
        key = buf.getLong();
        id = buf.getInt();
        return true;
    }

    @Override
    public long key() {
        return key;
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
