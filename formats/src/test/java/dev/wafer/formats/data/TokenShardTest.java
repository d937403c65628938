package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenShardTest {
    @TempDir
    Path dir;

    private Path write(String name, int vocab, int seqLen, int sequences) throws IOException {
        Path f = dir.resolve(name);
        try (TokenShardWriter w = new TokenShardWriter(f, vocab, seqLen)) {
            int[] seq = new int[seqLen];
            for (int s = 0; s < sequences; s++) {
                for (int i = 0; i < seqLen; i++) {
                    seq[i] = (s * 7919 + i * 104729) % vocab;
                }
                w.write(seq);
            }
        }
        return f;
    }

    @Test
    void roundTripsUint16AndInt32Ids() throws IOException {
        for (int vocab : new int[] {50257, 65536, 100_000}) {
            Path f = write("s" + vocab + ".bin", vocab, 16, 10);
            assertEquals(64 + 10 * 16 * (vocab <= 65536 ? 2 : 4), Files.size(f));
            try (TokenShard shard = TokenShard.open(f, true)) {
                assertEquals(10, shard.count());
                assertEquals(16, shard.sequenceLength());
                assertEquals(vocab, shard.vocabSize());
                int[] got = new int[18];
                shard.read(9, got, 2);
                for (int i = 0; i < 16; i++) {
                    assertEquals((9 * 7919 + i * 104729) % vocab, got[i + 2], "vocab " + vocab + " token " + i);
                }
                assertThrows(IndexOutOfBoundsException.class, () -> shard.read(10, got, 0));
            }
        }
    }

    @Test
    void truncatedFileIsRejectedWithFileAndReason() throws IOException {
        Path f = write("t.bin", 50257, 16, 10);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(Files.size(f) - 5);
        }
        InvalidShardException e = assertThrows(InvalidShardException.class, () -> TokenShard.open(f, true));
        assertTrue(e.getMessage().startsWith(f + ": file has 379 bytes but its header (count 10"), e.getMessage());
        assertTrue(e.getMessage().endsWith("the file is truncated"), e.getMessage());
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(30);
        }
        e = assertThrows(InvalidShardException.class, () -> TokenShard.open(f, true));
        assertEquals(f + ": truncated header (30 bytes, a shard header has 64)", e.getMessage());
    }

    @Test
    void wrongMagicAndVersionNameTheField() throws IOException {
        Path f = write("m.bin", 50257, 16, 2);
        byte[] bytes = Files.readAllBytes(f);
        byte[] bad = Arrays.copyOf(bytes, bytes.length);
        bad[0] = 'X';
        Files.write(f, bad);
        InvalidShardException e = assertThrows(InvalidShardException.class, () -> TokenShard.open(f, true));
        assertTrue(e.getMessage().contains("field magic is 'XAFERTOK'"), e.getMessage());
        bad = Arrays.copyOf(bytes, bytes.length);
        bad[8] = 9;
        Files.write(f, bad);
        e = assertThrows(InvalidShardException.class, () -> TokenShard.open(f, true));
        assertTrue(e.getMessage().contains("field version is 9"), e.getMessage());
    }

    @Test
    void checksumMismatchIsDetected() throws IOException {
        Path f = write("c.bin", 50257, 16, 4);
        byte[] bytes = Files.readAllBytes(f);
        bytes[100] ^= 1;
        Files.write(f, bytes);
        InvalidShardException e = assertThrows(InvalidShardException.class, () -> TokenShard.open(f, true));
        assertTrue(e.getMessage().startsWith(f + ": field crc32 is "), e.getMessage());
        assertTrue(e.getMessage().contains("the file is corrupt"), e.getMessage());
        try (TokenShard unchecked = TokenShard.open(f, false)) {
            assertEquals(4, unchecked.count());
        }
    }
}
