package dev.wafer.formats.data;

import dev.wafer.formats.input.InvalidInputException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.IntConsumer;

import dev.wafer.domain.data.ShingleLookup;

/**
 * The membership-audit index file: sorted shingle hashes and the training-document ids that contain them.
 * Little-endian: magic {@code WAFERIDX}, u32 version (1), u32 shingle words, u64 entries, u64 documents, 32
 * reserved bytes (64-byte header), then {@code entries} i64 keys sorted ascending, then {@code entries} i32 ids.
 * Queries binary-search the memory-mapped keys, so the index is never loaded whole. It is written by external
 * sort ({@link AuditIndexRuns}), so it is never built whole in memory either.
 */
public final class AuditIndexFile {
    private static final byte[] MAGIC = "WAFERIDX".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    /** Bytes before the keys. */
    static final int HEADER = 64;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private AuditIndexFile() {
    }

    /** The 64-byte header of an index of {@code entries} pairs over {@code documents} training documents. */
    static byte[] header(int shingleWords, long entries, long documents) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC).putInt(VERSION).putInt(shingleWords).putLong(entries).putLong(documents);
        return h.array();
    }

    /**
     * Maps an index file.
     *
     * @throws InvalidInputException naming the file and field when it is not a valid index
     */
    public static Mapped open(Path file) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) {
                throw new InvalidInputException(file + ": truncated audit index header (" + size + " bytes)");
            }
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            byte[] magic = seg.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new InvalidInputException(file + ": field magic is not 'WAFERIDX'; not a Wafer audit index");
            }
            int version = seg.get(I32, 8);
            if (version != VERSION) {
                throw new InvalidInputException(file + ": field version is " + version + ", expected " + VERSION);
            }
            int words = seg.get(I32, 12);
            long entries = seg.get(I64, 16);
            long docs = seg.get(I64, 24);
            if (words <= 0 || docs < 0) {
                throw new InvalidInputException(file + ": fields shingleWords/documents are " + words + "/" + docs
                        + "; the index is corrupt");
            }
            if (entries < 0 || entries > (size - HEADER) / 12 || size != HEADER + entries * 12) {
                throw new InvalidInputException(file + ": field entries is " + entries + " but the file has " + size
                        + " bytes; the index is truncated or corrupt");
            }
            return new Mapped(arena, seg, words, entries, docs);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new InvalidInputException(file + ": no audit index; prepare the dataset with this version of wafer");
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** A mapped index. */
    public static final class Mapped implements ShingleLookup, AutoCloseable {
        private final Arena arena;
        private final MemorySegment seg;
        private final int shingleWords;
        private final long entries;
        private final long documents;

        private Mapped(Arena arena, MemorySegment seg, int shingleWords, long entries, long documents) {
            this.arena = arena;
            this.seg = seg;
            this.shingleWords = shingleWords;
            this.entries = entries;
            this.documents = documents;
        }

        /** The whole mapped file, for checksumming. */
        MemorySegment segment() {
            return seg;
        }

        /** Words per shingle the index was built with. */
        public int shingleWords() {
            return shingleWords;
        }

        /** Training documents indexed. */
        public long documents() {
            return documents;
        }

        @Override
        public void forEachId(long shingle, IntConsumer ids) {
            long lo = 0;
            long hi = entries;
            while (lo < hi) {
                long mid = (lo + hi) >>> 1;
                if (key(mid) < shingle) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            long idBase = HEADER + entries * 8;
            for (long i = lo; i < entries && key(i) == shingle; i++) {
                ids.accept(seg.get(I32, idBase + i * 4));
            }
        }

        private long key(long i) {
            return seg.get(I64, HEADER + i * 8);
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
