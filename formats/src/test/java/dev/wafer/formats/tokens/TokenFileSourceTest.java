package dev.wafer.formats.tokens;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.SplittableRandom;

import dev.wafer.formats.input.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A token file is mapped, not read whole into an int array (4 bytes of heap a file byte; a file over 2 GB failed at
 * once), and gives the tokens and the seeded windows the whole-file reading gave. uint16 is the only width a raw
 * token file has (a prepared dataset's 4-byte shards are read by {@code TokenShard}, mapped already).
 */
class TokenFileSourceTest {
    @TempDir
    Path tmp;

    /** Seeded ids over the whole uint16 range (ids past 32767 must not read as negative), {@code n} of them. */
    private static int[] ids(int n, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = r.nextInt(1 << 16);
        }
        return ids;
    }

    private Path write(String name, int[] ids) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(2 * ids.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int id : ids) {
            b.putShort((short) id);
        }
        return Files.write(tmp.resolve(name), b.array());
    }

    @Test
    void readsTheTokensTheWholeFileReadingGaveAtAnyOffset() throws IOException {
        int[] ids = ids(1_003, 7); // no multiple of any window below
        MappedTokenFile file = MappedTokenFile.open(write("t.bin", ids));
        assertEquals(ids.length, file.size());
        for (int from : new int[] {0, 1, 3, 17, 500, 999, 1_002}) {
            for (int count : new int[] {0, 1, 2, 5, 33}) {
                if (from + count > ids.length) {
                    continue;
                }
                int[] got = new int[count + 3];
                file.read(from, got, 3, count);
                int[] want = new int[count + 3];
                System.arraycopy(ids, from, want, 3, count);
                assertArrayEquals(want, got, "from " + from + " count " + count);
            }
            assertEquals(ids[from], file.get(from));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> file.read(1_000, new int[4], 0, 4));
    }

    /** The streamed id check finds the first id past the vocabulary across its 1 MiB reads, from any offset. */
    @Test
    void findsTheFirstIdPastTheVocabularyAcrossReads() throws IOException {
        int[] ids = new int[600_001]; // past one 1 MiB read (524,288 ids), odd
        ids[524_289] = 300;
        ids[599_999] = 70;
        MappedTokenFile file = MappedTokenFile.open(write("v.bin", ids));
        assertEquals(524_289, file.firstIdAtLeast(256, 0, ids.length));
        assertEquals(599_999, file.firstIdAtLeast(50, 524_290, ids.length));
        assertEquals(-1, file.firstIdAtLeast(50, 0, 524_289));
        assertEquals(-1, file.firstIdAtLeast(301, 1, Long.MAX_VALUE));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new TokenFileSource(tmp.resolve("v.bin"), 256, 8, 1));
        assertEquals(tmp.resolve("v.bin") + ": token id 300 at token offset 524289 is not below the vocabulary size 256",
                e.getMessage());
    }

    /** The windows, their order and a resumed run's are the ones the whole-file reading drew, for every seed. */
    @Test
    void drawsTheWindowsTheWholeFileReadingDrew() throws IOException {
        int seq = 16;
        int[] ids = ids(1_003, 11);
        Path path = write("w.bin", ids);
        for (long seed : new long[] {1, 42, -5}) {
            TokenFileSource source = new TokenFileSource(path, 1 << 16, seq, seed);
            assertEquals(ids.length, source.size());
            SplittableRandom old = new SplittableRandom(seed);
            int batch = 3;
            for (int step = 0; step < 4; step++) {
                int[] in = new int[batch * seq];
                int[] tg = new int[batch * seq];
                source.next(in, tg, batch, seq);
                int[] wantIn = new int[batch * seq];
                int[] wantTg = new int[batch * seq];
                for (int r = 0; r < batch; r++) { // the reading this replaced, verbatim
                    int start = old.nextInt(ids.length - seq);
                    System.arraycopy(ids, start, wantIn, r * seq, seq);
                    System.arraycopy(ids, start + 1, wantTg, r * seq, seq);
                }
                assertArrayEquals(wantIn, in);
                assertArrayEquals(wantTg, tg);
            }
            TokenFileSource resumed = new TokenFileSource(path, 1 << 16, seq, seed);
            resumed.seek(source.position());
            int[] a = new int[seq];
            int[] b = new int[seq];
            source.next(a, new int[seq], 1, seq);
            resumed.next(b, new int[seq], 1, seq);
            assertArrayEquals(a, b);
        }
    }

    /**
     * A sparse file past 2^31 tokens (4 GiB and a little; no disk used) opens at once and its windows reach past
     * token 2^31: a mapping reads only what is drawn. The id check is skipped here (every uint16 id is below a
     * vocabulary of 65536), so nothing reads the whole file.
     */
    @Test
    void opensAFilePastTwoToTheThirtyOneTokens() throws IOException {
        Path big = tmp.resolve("big.bin");
        long tokens = (1L << 31) + 101;
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(2 * tokens);
            f.seek(2 * (tokens - 2));
            f.write(new byte[] {(byte) 0x39, (byte) 0x30, (byte) 0xff, (byte) 0xff}); // 12345, 65535
        }
        assumeTrue(allocated(big) < tokens, "the file system made no sparse file; 4 GiB of zeros are not read here");
        MappedTokenFile file = MappedTokenFile.open(big);
        assertEquals(tokens, file.size());
        int[] last = new int[3];
        file.read(tokens - 3, last, 0, 3);
        assertArrayEquals(new int[] {0, 12345, 65535}, last);
        assertEquals(tokens - 1, file.firstIdAtLeast(50_000, tokens - 5, 5));
        TokenFileSource source = new TokenFileSource(big, 1 << 16, 32, 3);
        assertEquals(tokens, source.size());
        int[] in = new int[4 * 32];
        source.next(in, new int[4 * 32], 4, 32);
        source.seek(4);
        assertEquals(4, source.position());
    }

    /** The disk {@code file} takes, as du counts it (the file attribute views do not give st_blocks). */
    private static long allocated(Path file) throws IOException {
        try {
            Process p = new ProcessBuilder("du", "-k", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out.split("\\s+")[0]) * 1024;
        } catch (InterruptedException | NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
