package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;

import org.junit.jupiter.api.Test;

/** Combined CRCs of random pieces equal the CRC the JDK computes over the whole string (brute force). */
class CrcCombineTest {
    @Test
    void combinedPiecesEqualTheWholeStringsCrc() {
        long seed = 20261205L;
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 200; trial++) {
            byte[] data = new byte[random.nextInt(0, 5000)];
            random.nextBytes(data);
            int cut = data.length == 0 ? 0 : random.nextInt(0, data.length + 1);
            assertPieces(CrcCombine.CRC32, new CRC32(), new CRC32(), new CRC32(), data, cut, seed, trial);
            assertPieces(CrcCombine.CRC32C, new CRC32C(), new CRC32C(), new CRC32C(), data, cut, seed, trial);
        }
    }

    @Test
    void manyPiecesInOrder() {
        SplittableRandom random = new SplittableRandom(7);
        byte[] data = new byte[100_000];
        random.nextBytes(data);
        CRC32 whole = new CRC32();
        whole.update(data);
        long combined = 0;
        for (int from = 0; from < data.length; ) {
            int len = Math.min(data.length - from, random.nextInt(1, 9000));
            CRC32 piece = new CRC32();
            piece.update(data, from, len);
            combined = from == 0 ? piece.getValue() : CrcCombine.CRC32.combine(combined, piece.getValue(), len);
            from += len;
        }
        assertEquals(whole.getValue(), combined, "seed 7");
    }

    private static void assertPieces(CrcCombine combine, Checksum whole, Checksum a, Checksum b, byte[] data, int cut,
                                     long seed, int trial) {
        whole.update(data, 0, data.length);
        a.update(data, 0, cut);
        b.update(data, cut, data.length - cut);
        assertEquals(whole.getValue(), combine.combine(a.getValue(), b.getValue(), data.length - cut),
                "seed " + seed + " trial " + trial + " length " + data.length + " cut " + cut);
    }
}
