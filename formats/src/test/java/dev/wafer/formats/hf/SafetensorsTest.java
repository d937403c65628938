package dev.wafer.formats.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

class SafetensorsTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        try {
            return Path.of(SafetensorsTest.class.getResource("/hf/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A file assembled byte by byte: header length, header JSON, then little-endian data. */
    private Path handMade(String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        out.writeBytes(data);
        Path file = dir.resolve("hand.safetensors");
        Files.write(file, out.toByteArray());
        return file;
    }

    @Test
    void readsAHandComputedFileWithAllThreeDtypes() throws IOException {
        ByteBuffer data = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
        data.putFloat(1.5f).putFloat(-3f);          // F32 [2]
        data.putShort((short) 0x3C00);               // F16 1.0
        data.putShort((short) 0xC000);               // F16 -2.0
        data.putShort((short) 0x3FC0);               // BF16 1.5
        Path file = handMade("{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[8,12]},"
                + "\"c\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[12,14]}}", data.array());
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals(Map.of("format", "pt"), r.metadata());
            assertEquals(List.of("a", "b", "c"), r.entries().stream().map(SafetensorsEntry::name).toList());
            assertArrayEquals(new float[] {1.5f, -3f}, r.readFloats("a"));
            assertArrayEquals(new float[] {1f, -2f}, r.readFloats("b"));
            assertArrayEquals(new float[] {1.5f}, r.readFloats("c"));
            assertArrayEquals(new int[] {1, 2}, r.entry("b").intShape());
        }
    }

    @Test
    void agreesWithTheNumpyWrittenFixture() throws IOException {
        JsonNode expected = new ObjectMapper().readTree(resource("dtypes.expected.json").toFile());
        try (SafetensorsReader r = SafetensorsReader.open(resource("dtypes.safetensors"))) {
            assertEquals("make_fixtures.py", r.metadata().get("written_by"));
            for (String name : List.of("f32", "f16", "bf16")) {
                float[] got = r.readFloats(name);
                assertArrayEquals(new long[] {2, 3}, r.entry(name).shape());
                for (int i = 0; i < got.length; i++) {
                    assertEquals((float) expected.get(name).get(i).asDouble(), got[i], 0f, name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void writerRoundTripsAndAlignsTheDataSection() throws IOException {
        SplittableRandom rng = new SplittableRandom(7);
        float[] big = new float[300_000]; // several 1 MiB chunks of streaming
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) rng.nextGaussian();
        }
        float[] small = {1, 2, 3};
        Path file = dir.resolve("out.safetensors");
        SafetensorsWriter.write(file, Map.of("format", "pt"), List.of(
                TensorSource.of(new TensorSpec("small", new int[] {3}), small),
                TensorSource.of(new TensorSpec("big", new int[] {600, 500}), big)));
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "data section must start 8-byte aligned");
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertArrayEquals(small, r.readFloats("small"));
            assertArrayEquals(big, r.readFloats("big"));
            assertArrayEquals(new long[] {600, 500}, r.entry("big").shape());
            assertEquals("pt", r.metadata().get("format"));
        }
    }

    @Test
    void rejectsMalformedFilesNamingTheProblem() throws IOException {
        byte[] eight = new byte[8];
        assertMessage(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[4]),
                "tensors cover 8 data bytes but the file holds 4 (truncated file?)");
        assertMessage(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight),
                "tensor 'a' F32[3] needs 12 bytes but data_offsets span 8");
        assertMessage(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", eight),
                "tensor 'b' starts at data byte 2 but the previous tensor ends at 4");
        assertMessage(handMade("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", eight), "tensor 'a' lacks dtype, shape or data_offsets");
        assertMessage(handMade("{not json}", eight), "header is not valid JSON");
        Path tiny = dir.resolve("tiny");
        Files.write(tiny, new byte[] {1, 2});
        assertMessage(tiny, "not a safetensors file (only 2 bytes)");
        Path huge = dir.resolve("huge");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        assertMessage(huge, "not a safetensors file or truncated");
    }

    @Test
    void unsupportedDtypesAreListedButNotReadable() throws IOException {
        Path file = handMade("{\"mask\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[] {1, 0});
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            assertEquals("BOOL", r.entry("mask").dtype());
            HfFormatException e = assertThrows(HfFormatException.class, () -> r.readFloats("mask"));
            assertTrue(e.getMessage().contains("tensor 'mask' has dtype BOOL; Wafer reads F32, F16 and BF16"), e.getMessage());
        }
    }

    private static void assertMessage(Path file, String expected) {
        HfFormatException e = assertThrows(HfFormatException.class, () -> SafetensorsReader.open(file).close());
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(file.toString()), e.getMessage());
    }
}
