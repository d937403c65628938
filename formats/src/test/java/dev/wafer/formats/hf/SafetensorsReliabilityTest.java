package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.reliability.FileMutations;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * Reliability of {@link SafetensorsReader}: a header length that swallows data bytes is refused (it used to import
 * every tensor shifted by 8 bytes), and seeded random mutations of a valid file either read back or fail with the
 * reader's one-line {@link HfFormatException}, never another exception, a hang or an outsized allocation.
 */
class SafetensorsReliabilityTest {
    private static final float[] A = {1.5f, -2f, 3.25f, 4f, 0.5f, -0.125f};
    private static final float[] B = {7f, 8f, 9f};

    @TempDir
    Path dir;

    private byte[] valid() throws IOException {
        Path file = dir.resolve("valid.safetensors");
        SafetensorsWriter.write(file, Map.of("format", "pt"), List.of(
                TensorSource.of(new TensorSpec("a", new int[] {2, 3}), A),
                TensorSource.of(new TensorSpec("b", new int[] {3}), B)));
        return Files.readAllBytes(file);
    }

    private static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static void setHeaderLength(byte[] file, long value) {
        ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(value);
    }

    @Test
    void headerLengthEightTooLongWithZeroPaddingIsRefused() throws IOException {
        byte[] good = valid();
        // The reported case: header length +8, 8 zero bytes appended, so the data section is the same size but
        // starts 8 bytes late. Tiling alone cannot see it; the header's padding must be spaces only.
        byte[] shifted = Arrays.copyOf(good, good.length + 8);
        setHeaderLength(shifted, headerLength(good) + 8);
        Path file = dir.resolve("shifted.safetensors");
        Files.write(file, shifted);
        HfFormatException e = assertThrows(HfFormatException.class, () -> SafetensorsReader.open(file).close());
        assertTrue(e.getMessage().startsWith(file + ": safetensors header") && e.getMessage().contains("padded only with spaces"),
                e.getMessage());

        // Eight zero bytes inserted after the JSON keep the tensors in place, but the format still forbids them.
        int json = (int) headerLength(good);
        byte[] inserted = new byte[good.length + 8];
        System.arraycopy(good, 0, inserted, 0, 8 + json);
        System.arraycopy(good, 8 + json, inserted, 8 + json + 8, good.length - 8 - json);
        setHeaderLength(inserted, json + 8);
        Files.write(file, inserted);
        assertThrows(HfFormatException.class, () -> SafetensorsReader.open(file).close());

        // The same padding made of spaces is what the format allows.
        Arrays.fill(inserted, 8 + json, 8 + json + 8, (byte) ' ');
        Files.write(file, inserted);
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertArrayEquals(A, r.readFloats("a"));
            assertArrayEquals(B, r.readFloats("b"));
        }
    }

    @Test
    void aGitLfsPointerIsSaidToBeOne() throws IOException {
        Path pointer = Files.writeString(dir.resolve("model.safetensors"), "version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:4d7a\nsize 497764120\n");
        HfFormatException e = assertThrows(HfFormatException.class, () -> SafetensorsReader.open(pointer));
        assertTrue(e.getMessage().contains("a Git LFS pointer, not the safetensors file itself"), e.getMessage());
    }

    @Test
    void tensorsMustTileTheDataSection() throws IOException {
        String tail = "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}," + tail, 12, "trailing bytes");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12, "overlapping or missing data");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}," + tail, 8,
                "overlapping or missing data");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8, "Duplicate field 'a'");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", 4, "invalid dimension");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", 4, "expected two integers");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,4]}}", 4,
                "overflows 64 bits");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} {}", 4, "Trailing token");
        assertRefused("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}\n", 4, "padded only with spaces");
    }

    private void assertRefused(String header, int dataBytes, String expected) throws IOException {
        byte[] json = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path file = dir.resolve("refused.safetensors");
        Files.write(file, b.array());
        HfFormatException e = assertThrows(HfFormatException.class, () -> SafetensorsReader.open(file).close());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void randomMutationsReadCorrectlyOrFailWithTheReadersError() throws IOException {
        long seed = Long.getLong("wafer.fuzz.seed", System.nanoTime());
        byte[] good = valid();
        SplittableRandom rng = new SplittableRandom(seed);
        Path file = dir.resolve("fuzz.safetensors");
        int refused = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] bytes = FileMutations.mutate(good, rng, 0);
            Files.write(file, bytes);
            String where = "seed " + seed + " (rerun with -Dwafer.fuzz.seed=" + seed + "), case " + i;
            try (SafetensorsReader r = SafetensorsReader.open(file)) {
                long allocated = 0;
                for (SafetensorsEntry e : r.entries()) {
                    if (SafetensorsDtype.parse(e.dtype()) != null) {
                        allocated += 4L * r.readFloats(e.name()).length;
                    }
                }
                // Widening F16/BF16 to float32 doubles the bytes at most.
                assertTrue(allocated <= 2L * bytes.length, where + ": read " + allocated + " bytes of floats from a "
                        + bytes.length + "-byte file");
            } catch (HfFormatException e) {
                refused++;
                assertTrue(e.getMessage().startsWith(file.toString()), where + ": message does not name the file: " + e.getMessage());
                assertFalse(e.getMessage().contains("\n"), where + ": message is not one line: " + e.getMessage());
            } catch (RuntimeException | Error e) {
                fail(where + ": " + e, e);
            }
        }
        assertTrue(refused > 700, "seed " + seed + ": only " + refused + " of 2000 mutations were refused");
    }
}
