package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes pairs to a run file. */
final class RunFilePairWriter implements PairSink, AutoCloseable {
    /** One pair on disk: little-endian i64 key, i32 id. */
    static final int PAIR_BYTES = 12;
    /** I/O buffer, a whole number of pairs. */
    static final int BUFFER_BYTES = (1 << 16) - (1 << 16) % PAIR_BYTES;

    private final ChecksummedOutput out;
    private final ByteBuffer buf = ByteBuffer.allocate(BUFFER_BYTES)
            .order(ByteOrder.LITTLE_ENDIAN);

    RunFilePairWriter(ChecksummedOutput out) {
        this.out = out;
    }

    @Override
    public void pair(long key, int id) throws IOException {
        if (buf.remaining() < PAIR_BYTES) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        buf.putLong(key).putInt(id);
    }

    @Override
    public void close() throws IOException {
        try (out) {
            out.write(buf.array(), 0, buf.position());
        }
    }
}
