package dev.wafer.formats.tokens;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A raw token file (little-endian uint16 ids, the only width the format has) mapped into memory rather than read
 * into an array: memory does not grow with the file, only the windows a run reads are read, and a file past 2^31
 * bytes or tokens opens (it used to need 4 bytes of heap per file byte, and one over 2 GB failed at once). A
 * trailing odd byte is no token; the callers refuse such files first, each with its own message.
 */
public final class MappedTokenFile {
    private static final ValueLayout.OfShort ID = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Bytes per read of the id check: it streams, so its memory is this, whatever the file's size. */
    private static final int SCAN_BYTES = 1 << 20;

    private final Path file;
    private final MemorySegment segment;
    private final long size;

    private MappedTokenFile(Path file, MemorySegment segment) {
        this.file = file;
        this.segment = segment;
        this.size = segment.byteSize() / 2;
    }

    /** Maps {@code file}; the mapping lives as long as the returned reader is reachable. */
    public static MappedTokenFile open(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            // An automatic arena: the sources that hold it have no close, and the mapping outlives the channel.
            return new MappedTokenFile(file, ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), Arena.ofAuto()));
        }
    }

    /** Number of tokens (whole uint16 ids) in the file. */
    public long size() {
        return size;
    }

    /** The id at token offset {@code index}. */
    public int get(long index) {
        return Short.toUnsignedInt(segment.getAtIndex(ID, index));
    }

    /** Copies {@code count} ids from token offset {@code from} into {@code dest} at {@code offset}. */
    public void read(long from, int[] dest, int offset, int count) {
        if (from < 0 || count < 0 || from > size - count) {
            throw new IndexOutOfBoundsException("tokens [" + from + ", " + (from + count) + ") of " + size);
        }
        for (int i = 0; i < count; i++) {
            dest[offset + i] = Short.toUnsignedInt(segment.getAtIndex(ID, from + i));
        }
    }

    /**
     * The offset of the first id not below {@code vocab} among the {@code count} tokens from {@code from}, or -1.
     * It reads the file through a 1 MiB buffer rather than the mapping, so a full check neither holds the file in
     * memory nor leaves its pages counted in this process's resident memory: its cost is one sequential read.
     */
    public long firstIdAtLeast(int vocab, long from, long count) throws IOException {
        if (vocab >= 1 << 16) {
            return -1; // every uint16 id fits
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(SCAN_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        long end = Math.min(size, from + count);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (long at = from; at < end; ) {
                buf.clear().limit((int) Math.min(SCAN_BYTES, 2 * (end - at)));
                while (buf.hasRemaining()) {
                    if (ch.read(buf, 2 * at + buf.position()) < 0) {
                        throw new IOException(file + " became shorter while it was read");
                    }
                }
                ShortBuffer ids = buf.flip().asShortBuffer();
                int n = ids.remaining();
                for (int i = 0; i < n; i++) {
                    if (Short.toUnsignedInt(ids.get(i)) >= vocab) {
                        return at + i;
                    }
                }
                at += n;
            }
        }
        return -1;
    }
}
