package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.data.WorkFingerprint;
import dev.wafer.formats.input.InvalidInputException;

/**
 * A fingerprint file is checked before it is used: its checksum (version 2), and in files without one (version 1)
 * every length against the bytes that follow, so damage is one line naming the file and field, never an internal
 * error, a 2 GB allocation, or a silently different fingerprint.
 */
class FingerprintFileTest {
    @TempDir
    Path tmp;
    private WorkFingerprint work;
    private Path fp;

    @BeforeEach
    void fingerprint() throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append("word").append(r.nextInt(1000)).append(' ');
        }
        work = FingerprintFile.fromText(Files.writeString(tmp.resolve("work.txt"), text));
        fp = tmp.resolve("work.fp");
        FingerprintFile.write(fp, work);
    }

    private String refusal(byte[] bytes) throws Exception {
        Files.write(fp, bytes);
        return assertThrows(InvalidInputException.class, () -> FingerprintFile.load(fp)).getMessage();
    }

    /** The same fingerprint as version 1 wrote it: no checksum. */
    private byte[] versionOne() throws Exception {
        byte[] v2 = Files.readAllBytes(fp);
        byte[] v1 = Arrays.copyOf(v2, v2.length - 4);
        ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).putInt(8, 1);
        return v1;
    }

    @Test
    void roundTripsAndReadsVersionOneFiles() throws Exception {
        assertArrayEquals(work.shingles(), FingerprintFile.load(fp).shingles());
        Files.write(fp, versionOne());
        assertArrayEquals(work.shingles(), FingerprintFile.load(fp).shingles());
    }

    @Test
    void aFlippedHashBitOrALoweredCountIsAChecksumMismatch() throws Exception {
        byte[] bytes = Files.readAllBytes(fp);
        bytes[bytes.length - 10] ^= 1;
        assertTrue(refusal(bytes).startsWith(fp + ": checksum mismatch"));
        byte[] cut = Files.readAllBytes(fp);
        int countAt = 8 + 12 + "work.txt".length();
        long count = ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).getLong(countAt);
        byte[] shorter = Arrays.copyOf(cut, cut.length - 8);
        ByteBuffer.wrap(shorter).order(ByteOrder.LITTLE_ENDIAN).putLong(countAt, count - 1)
                .putInt(shorter.length - 4, ByteBuffer.wrap(cut).order(ByteOrder.LITTLE_ENDIAN).getInt(cut.length - 4));
        assertTrue(refusal(shorter).startsWith(fp + ": checksum mismatch"));
    }

    @Test
    void damagedLengthsWithoutAChecksumAreRefusedNamingTheField() throws Exception {
        byte[] zero = versionOne();
        int countAt = 8 + 12 + "work.txt".length();
        ByteBuffer.wrap(zero).order(ByteOrder.LITTLE_ENDIAN).putLong(countAt, 0);
        zero = Arrays.copyOf(zero, countAt + 8);
        assertEquals(fp + ": field count is 0; a fingerprint holds at least one shingle, so the file is corrupt",
                refusal(zero));
        byte[] huge = versionOne();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(16, 0x7FFFFFF0);
        assertTrue(refusal(huge).startsWith(fp + ": field nameLength is 2147483632 but "), refusal(huge));
    }
}
