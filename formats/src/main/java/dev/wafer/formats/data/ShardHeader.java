package dev.wafer.formats.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The 64-byte header of a token shard file, little-endian:
 * <pre>
 *  0  magic        8 bytes "WAFERTOK"
 *  8  version      u32 (1)
 * 12  tokenBytes   u32: 2 (uint16 ids, vocabulary up to 65,536) or 4 (int32 ids)
 * 16  vocabSize    u32
 * 20  seqLen       u32 tokens per sequence
 * 24  count        u64 sequences
 * 32  crc32        u64 (low 32 bits used): CRC-32 of the payload
 * 40  reserved     24 zero bytes
 * 64  payload      count * seqLen ids
 * </pre>
 *
 * @param tokenBytes bytes per id
 * @param vocabSize  vocabulary size
 * @param seqLen     tokens per sequence
 * @param count      sequences
 * @param crc32      CRC-32 of the payload
 */
record ShardHeader(int tokenBytes, int vocabSize, int seqLen, long count, long crc32) {
    static final int SIZE = 64;
    static final int VERSION = 1;
    static final byte[] MAGIC = "WAFERTOK".getBytes(StandardCharsets.US_ASCII);

    /** 2 bytes per id when the vocabulary fits in uint16, else 4. */
    static int tokenBytesFor(int vocabSize) {
        return vocabSize <= 65536 ? 2 : 4;
    }

    long payloadBytes() {
        return count * seqLen * tokenBytes;
    }

    ByteBuffer encode() {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putInt(tokenBytes).putInt(vocabSize).putInt(seqLen).putLong(count).putLong(crc32);
        return b.position(0);
    }

    /**
     * Parses and checks a header.
     *
     * @param file     named in errors
     * @param fileSize the file's size, checked against the header's payload size
     * @throws InvalidShardException naming the file and the field that is wrong
     */
    static ShardHeader decode(String file, ByteBuffer raw, long fileSize) {
        if (fileSize < SIZE) {
            throw new InvalidShardException(file + ": truncated header (" + fileSize + " bytes, a shard header has " + SIZE + ")");
        }
        ByteBuffer b = raw.order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[8];
        b.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new InvalidShardException(file + ": field magic is '" + new String(magic, StandardCharsets.ISO_8859_1)
                    + "', expected 'WAFERTOK'; not a Wafer token shard");
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new InvalidShardException(file + ": field version is " + version + ", this Wafer reads version " + VERSION
                    + "; prepare the dataset again with this version");
        }
        int tokenBytes = b.getInt();
        int vocab = b.getInt();
        int seqLen = b.getInt();
        long count = b.getLong();
        long crc = b.getLong();
        if (tokenBytes != 2 && tokenBytes != 4) {
            throw new InvalidShardException(file + ": field tokenBytes is " + tokenBytes + ", expected 2 or 4");
        }
        if (vocab <= 0 || (tokenBytes == 2 && vocab > 65536)) {
            throw new InvalidShardException(file + ": field vocabSize is " + vocab + ", impossible with tokenBytes " + tokenBytes);
        }
        if (seqLen <= 0) {
            throw new InvalidShardException(file + ": field seqLen is " + seqLen + ", expected a positive length");
        }
        if (count < 0) {
            throw new InvalidShardException(file + ": field count is " + count + ", expected a non-negative count");
        }
        ShardHeader h = new ShardHeader(tokenBytes, vocab, seqLen, count, crc);
        // A count this large would overflow the size arithmetic (and could wrap round to the file's size).
        long perSequence = (long) seqLen * tokenBytes;
        if (count > (Long.MAX_VALUE - SIZE) / perSequence) {
            throw new InvalidShardException(file + ": file has " + fileSize + " bytes but its header (count " + count
                    + ", seqLen " + seqLen + ", tokenBytes " + tokenBytes + ") needs more than 2^63; the file is corrupt");
        }
        long expected = SIZE + h.payloadBytes();
        if (fileSize != expected) {
            throw new InvalidShardException(file + ": file has " + fileSize + " bytes but its header (count " + count
                    + ", seqLen " + seqLen + ", tokenBytes " + tokenBytes + ") needs " + expected
                    + (fileSize < expected ? "; the file is truncated" : "; the file has trailing bytes"));
        }
        return h;
    }
}
