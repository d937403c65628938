package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;

import dev.wafer.ports.data.prepare.SortedPairCursor;

/** A sorted run file ({@link RunFilePairWriter}'s format) read as a cursor, for the audit runs of another rank. */
final class RunFileCursor implements SortedPairCursor {
    private final RunFilePairSource in;
    private final long pairs;

    RunFileCursor(Path file) throws IOException {
        this(file, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** Only the pairs whose key lies in {@code [fromKey, toKey]}, found by binary search in the sorted file. */
    RunFileCursor(Path file, long fromKey, long toKey) throws IOException {
        long bytes = Files.size(file);
        if (bytes % RunFilePairWriter.PAIR_BYTES != 0) {
            throw new IOException(file + ": run file ends inside a pair (" + bytes + " bytes)");
        }
        long all = bytes / RunFilePairWriter.PAIR_BYTES;
        long first = 0;
        long end = all;
        if (fromKey != Long.MIN_VALUE || toKey != Long.MAX_VALUE) {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                first = fromKey == Long.MIN_VALUE ? 0 : firstAtLeast(ch, all, fromKey);
                end = toKey == Long.MAX_VALUE ? all : firstAtLeast(ch, all, toKey + 1);
            }
        }
        this.pairs = end - first;
        this.in = new RunFilePairSource(file, first, end);
    }

    /** The index of the first pair whose key is at least {@code key}, or {@code pairs}. */
    private static long firstAtLeast(FileChannel ch, long pairs, long key) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        long lo = 0;
        long hi = pairs;
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            b.clear();
            long at = mid * RunFilePairWriter.PAIR_BYTES;
            while (b.hasRemaining()) {
                if (ch.read(b, at + b.position()) < 0) {
                    throw new IOException("run file ends inside a pair");
                }
            }
            if (b.getLong(0) < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public long pairs() {
        return pairs;
    }

    @Override
    public boolean next() throws IOException {
        return in.next();
    }

    @Override
    public long key() {
        return in.key();
    }

    @Override
    public int id() {
        return in.id();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
