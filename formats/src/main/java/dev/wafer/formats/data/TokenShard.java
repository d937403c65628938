package dev.wafer.formats.data;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

import dev.wafer.ports.data.TokenSequences;

/**
 * A memory-mapped token shard (format in {@link ShardHeader}). Opening validates the header, the file size and,
 * unless asked not to, the payload's CRC-32; each failure names the file and field.
 */
public final class TokenShard implements TokenSequences {
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long CRC_CHUNK = 1L << 30;

    private final Arena arena;
    private final MemorySegment segment;
    private final ShardHeader header;

    private TokenShard(Arena arena, MemorySegment segment, ShardHeader header) {
        this.arena = arena;
        this.segment = segment;
        this.header = header;
    }

    /**
     * Maps and validates a shard.
     *
     * @param verifyChecksum recompute the payload's CRC-32 and check every id against the vocabulary (sequential
     *                       reads of the file)
     * @throws InvalidShardException when the file is not a valid shard
     */
    public static TokenShard open(Path file, boolean verifyChecksum) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment seg = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            ShardHeader header = ShardHeader.decode(file.toString(),
                    seg.asSlice(0, Math.min(size, ShardHeader.SIZE)).asByteBuffer(), size);
            if (verifyChecksum) {
                CRC32 crc = new CRC32();
                for (long pos = ShardHeader.SIZE; pos < size; pos += CRC_CHUNK) {
                    crc.update(seg.asSlice(pos, Math.min(CRC_CHUNK, size - pos)).asByteBuffer());
                }
                if (crc.getValue() != header.crc32()) {
                    throw new InvalidShardException(String.format("%s: field crc32 is %08x but the payload's CRC-32 is %08x;"
                            + " the file is corrupt, prepare the dataset again", file, header.crc32(), crc.getValue()));
                }
                checkIds(file, seg, header);
            }
            return new TokenShard(arena, seg, header);
        } catch (NoSuchFileException e) {
            arena.close();
            throw new InvalidShardException(file + ": no such shard file");
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Checks every id against the header's vocabulary. The CRC covers the payload but not the header, so a damaged
     * {@code vocabSize} (or a payload written with another vocabulary) is only caught here, before a model indexes
     * its embedding with an id it does not have.
     */
    private static void checkIds(Path file, MemorySegment seg, ShardHeader header) {
        long ids = header.count() * header.seqLen();
        int vocab = header.vocabSize();
        if (header.tokenBytes() == 2 && vocab >= 1 << 16) {
            return; // every uint16 fits
        }
        for (long i = 0; i < ids; i++) {
            int id = header.tokenBytes() == 2 ? seg.get(U16, ShardHeader.SIZE + 2 * i) & 0xFFFF
                    : seg.get(I32, ShardHeader.SIZE + 4 * i);
            if (id < 0 || id >= vocab) {
                throw new InvalidShardException(file + ": id " + id + " of sequence " + i / header.seqLen()
                        + " is outside the vocabulary (field vocabSize is " + vocab + "); the file is corrupt,"
                        + " prepare the dataset again");
            }
        }
    }

    /** The payload CRC-32 its header records (verified on open when asked). */
    long crc32() {
        return header.crc32();
    }

    @Override
    public long count() {
        return header.count();
    }

    @Override
    public int sequenceLength() {
        return header.seqLen();
    }

    @Override
    public int vocabSize() {
        return header.vocabSize();
    }

    @Override
    public void read(long index, int[] dest, int offset) {
        if (index < 0 || index >= header.count()) {
            throw new IndexOutOfBoundsException("sequence " + index + " of " + header.count());
        }
        int len = header.seqLen();
        long base = ShardHeader.SIZE + index * len * header.tokenBytes();
        if (header.tokenBytes() == 2) {
            for (int i = 0; i < len; i++) {
                dest[offset + i] = segment.get(U16, base + 2L * i) & 0xFFFF;
            }
        } else {
            for (int i = 0; i < len; i++) {
                dest[offset + i] = segment.get(I32, base + 4L * i);
            }
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
