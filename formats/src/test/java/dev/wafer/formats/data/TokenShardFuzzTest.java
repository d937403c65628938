package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fuzz.Fuzz;
import dev.wafer.formats.fuzz.Mutations;
import dev.wafer.formats.fuzz.Mutations.Field;
import dev.wafer.domain.data.Split;

/**
 * Fuzzes dataset shards ({@link TokenShard}, {@link ShardHeader}, {@link ShardedSequences}): damaged bytes and header
 * field edits of a uint16 and an int32 shard, opened as the second shard of a split behind an intact first one.
 * Half the cases recompute the payload CRC after the damage, so the checks behind the checksum are reached. Each must
 * open, and then yield every sequence with ids inside the vocabulary, or fail with a one-line
 * {@link InvalidShardException} naming the file.
 */
class TokenShardFuzzTest {
    private static final List<Field> HEADER = List.of(new Field("version", 8, 4), new Field("tokenBytes", 12, 4),
            new Field("vocabSize", 16, 4), new Field("seqLen", 20, 4), new Field("count", 24, 8),
            new Field("crc32", 32, 8));

    @TempDir
    Path dir;
    private DatasetLayout layout;
    private byte[] u16;
    private byte[] i32;

    @BeforeEach
    void baseFiles() throws IOException {
        layout = new DatasetLayout(dir);
        u16 = write(dir.resolve("u16.bin"), 50257, 16, 12);
        i32 = write(dir.resolve("i32.bin"), 100_000, 8, 20);
        first(i32);
        load(i32);
        first(u16);
        load(u16);
    }

    /** The intact first shard of the split. */
    private void first(byte[] shard) throws IOException {
        Files.write(layout.shard(Split.TRAIN, 0), shard);
    }

    private static byte[] write(Path f, int vocab, int seqLen, int sequences) throws IOException {
        try (TokenShardWriter w = new TokenShardWriter(f, vocab, seqLen)) {
            int[] seq = new int[seqLen];
            for (int s = 0; s < sequences; s++) {
                for (int i = 0; i < seqLen; i++) {
                    seq[i] = (s * 7919 + i * 104729) % vocab;
                }
                w.write(seq);
            }
        }
        return Files.readAllBytes(f);
    }

    /** Opens the split as training does and reads every sequence; ids must lie inside the vocabulary. */
    private void load(byte[] second) throws IOException {
        Files.write(layout.shard(Split.TRAIN, 1), second);
        try (ShardedSequences s = ShardedSequences.open(layout, Split.TRAIN, true)) {
            int[] tokens = new int[s.sequenceLength()];
            for (long i = 0; i < s.count(); i++) {
                s.read(i, tokens, 0);
                for (int t : tokens) {
                    if (t < 0 || t >= s.vocabSize()) {
                        throw new AssertionError("sequence " + i + " holds id " + t + " outside vocabulary "
                                + s.vocabSize() + " and was not rejected");
                    }
                }
            }
        }
    }

    private Fuzz fuzz(String reader) {
        return new Fuzz(reader, List.of(InvalidShardException.class), layout.shard(Split.TRAIN, 1).toString());
    }

    private static Mutations.Mutant damage(SplittableRandom rng, byte[] base) {
        Mutations.Mutant m = Mutations.bytes(rng, base, HEADER);
        if (rng.nextBoolean() || m.bytes().length < ShardHeader.SIZE) {
            return m;
        }
        byte[] b = m.bytes().clone();
        CRC32 crc = new CRC32();
        crc.update(b, ShardHeader.SIZE, b.length - ShardHeader.SIZE);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(32, crc.getValue());
        return new Mutations.Mutant(m.description() + ", payload CRC recomputed", b);
    }

    /** Regression found by the fuzz cases: the size arithmetic wrapped round, and the shard opened. */
    @Test
    void countThatOverflowsTheSizeArithmeticIsRejected() throws IOException {
        // 2^62 sequences of 16 int32 ids are 2^68 bytes, 0 modulo 2^64: the header-only file matched "64 + payload"
        // and opened; reading a sequence then threw IndexOutOfBoundsException from the mapped segment.
        ByteBuffer header = ByteBuffer.allocate(ShardHeader.SIZE).order(ByteOrder.LITTLE_ENDIAN);
        header.put(ShardHeader.MAGIC).putInt(1).putInt(4).putInt(100_000).putInt(16).putLong(1L << 62).putLong(0);
        InvalidShardException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidShardException.class,
                () -> load(header.array()));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("needs more than 2^63"), e.getMessage());
    }

    /** Regression found by the fuzz cases: the CRC does not cover the header, so a damaged vocabSize went unseen. */
    @Test
    void idsOutsideTheVocabularyAreRejected() throws IOException {
        byte[] b = u16.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 1000); // vocabSize 50257 -> 1000; ids reach 50k
        InvalidShardException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidShardException.class, () -> load(b));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(layout.shard(Split.TRAIN, 1) + ": id "),
                e.getMessage());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("outside the vocabulary (field vocabSize is 1000)"),
                e.getMessage());
    }

    @Test
    void damagedUint16Shard() {
        fuzz("shard uint16").run(0x5A4D0001L, 1500, rng -> damage(rng, u16), m -> load(m.bytes()));
    }

    @Test
    void damagedInt32Shard() throws IOException {
        first(i32);
        fuzz("shard int32").run(0x5A4D0002L, 1000, rng -> damage(rng, i32), m -> load(m.bytes()));
    }
}
