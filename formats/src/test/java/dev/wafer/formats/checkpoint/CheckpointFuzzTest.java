package dev.wafer.formats.checkpoint;

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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.fuzz.Fuzz;
import dev.wafer.formats.fuzz.Mutations;
import dev.wafer.formats.fuzz.Mutations.Field;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * Fuzzes the checkpoint reader and the domain's reading of its typed header: damaged bytes of a version-2 file
 * written by the current code and of the committed version-1 file, and JSON-level edits of their headers written
 * back with correct checksums, so that the JSON parser, the codec's field checks and
 * {@link RunStateHeaders#state} are reached. Each input must load (header, run state, every tensor) or fail with a
 * one-line {@link CheckpointException} naming the file.
 */
class CheckpointFuzzTest {
    private static final List<Field> PREAMBLE = List.of(new Field("version", 8, 4), new Field("header_crc", 12, 4),
            new Field("header_bytes", 16, 8));

    @TempDir
    Path dir;
    private Path file;
    private byte[] v1;
    private byte[] v2;

    @BeforeEach
    void baseFiles() throws IOException, URISyntaxException {
        Path legacy = Path.of(CheckpointFuzzTest.class.getResource("/legacy-checkpoint/v1-step3-of6.wafer").toURI());
        v1 = Files.readAllBytes(legacy);
        Path current = dir.resolve("v2.wafer");
        FileCheckpointStore store = new FileCheckpointStore();
        try (CheckpointReader reader = store.open(legacy)) {
            // A few tensors keep each case fast; the reader does not check them against the model.
            List<TensorSource> tensors = new ArrayList<>();
            for (TensorSpec spec : reader.tensors().subList(0, 4)) {
                tensors.add(TensorSource.of(spec, reader.read(spec.name())));
            }
            store.save(current, reader.header(), tensors);
        }
        v2 = Files.readAllBytes(current);
        file = dir.resolve("fuzzed.wafer");
        // Both bases load: a mutation that fails does so because of the mutation.
        load(v1);
        load(v2);
        assertEquals(2, ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).getInt(8));
    }

    private Fuzz fuzz(String name) {
        return new Fuzz(name, List.of(CheckpointException.class), file.toString());
    }

    @Test
    void damagedBytesOfBothVersions() {
        fuzz("checkpoint v2 bytes").run(0xC0FFEE01L, 1000, rng -> Mutations.bytes(rng, v2, PREAMBLE), m -> load(m.bytes()));
        fuzz("checkpoint v1 bytes").run(0xC0FFEE02L, 400, rng -> Mutations.bytes(rng, v1, PREAMBLE), m -> load(m.bytes()));
    }

    @Test
    void editedHeadersWithCorrectChecksums() {
        JsonNode header2 = Mutations.parse(headerJson(v2));
        JsonNode header1 = Mutations.parse(headerJson(v1));
        fuzz("checkpoint v2 header").run(0xC0FFEE03L, 1200, rng -> header(rng, v2, header2), m -> load(m.bytes()));
        fuzz("checkpoint v1 header").run(0xC0FFEE04L, 200, rng -> header(rng, v1, header1), m -> load(m.bytes()));
    }

    /**
     * A checkpoint with an edited header. The tensor index has most of the header's fields, so half the cases edit
     * only the other sections (model, training run), where the typed checks and the run state's validation are.
     */
    private static Mutations.Mutant header(SplittableRandom rng, byte[] checkpoint, JsonNode header) {
        if (rng.nextBoolean()) {
            Mutations.Mutant m = Mutations.json(rng, header);
            return new Mutations.Mutant(m.description(), withHeader(checkpoint, m.bytes()));
        }
        ObjectNode sections = (ObjectNode) header.deepCopy();
        JsonNode index = sections.remove("tensors");
        StringBuilder what = new StringBuilder();
        int n = 1 + rng.nextInt(3);
        for (int i = 0; i < n; i++) {
            what.append(i == 0 ? "" : " + ").append(Mutations.editTree(rng, sections));
        }
        sections.set("tensors", index);
        return new Mutations.Mutant(what.toString(), withHeader(checkpoint, Mutations.write(sections)));
    }

    @Test
    void reEncodingTheUnchangedHeaderGivesALoadableFile() throws IOException {
        // The JSON cases depend on withHeader writing a valid file; an error there would hide every JSON case.
        byte[] same = withHeader(v2, headerJson(v2));
        assertTrue(java.util.Arrays.equals(v2, same), "withHeader reproduces the writer's bytes");
        load(withHeader(v1, Mutations.write(Mutations.parse(headerJson(v1)))));
    }

    /** Regressions the fuzz cases found: each escaped the reader as another exception or as several lines. */
    @Test
    void tensorIndexValuesFoundByFuzzingFailAsMalformedHeaders() {
        ObjectNode header = (ObjectNode) Mutations.parse(headerJson(v2));
        // Was IllegalArgumentException "tensor name is empty" from TensorSpec.
        assertMalformed(v2, edited(header, h -> tensor(h, 0).put("name", "")), "tensor index entry 0 has an empty 'name'");
        // Was ArithmeticException from TensorSpec.elementCount: 2^16 x 2^16 x (2^31 - 1) x 2 elements overflow a long.
        assertMalformed(v2, edited(header, h -> tensor(h, 0).putArray("shape").add(65536).add(65536).add(Integer.MAX_VALUE).add(2)),
                "has shape [65536, 65536, 2147483647, 2], too large for any file");
        // Was silently dropped: the second entry replaced the first in the reader's map.
        assertMalformed(v2, edited(header, h -> tensor(h, 1).put("name", tensor(h, 0).get("name").asText())),
                "appears twice in the tensor index");
        // Was a two-line message: the file's dtype text was quoted as it is.
        CheckpointException e = assertMalformed(v2, edited(header, h -> tensor(h, 0).put("dtype", "F32\nF16")), "has dtype 'F32\\u000aF16'");
        assertEquals(-1, e.getMessage().indexOf('\n'));
    }

    @Test
    void legacySchedulesFoundByFuzzingFailAsMalformedHeaders() {
        ObjectNode header = (ObjectNode) Mutations.parse(headerJson(v1));
        // Was ArithmeticException "/ by zero".
        assertMalformed(v1, edited(header, h -> ((ObjectNode) h.get("schedule")).put("seq", 0)), "schedule.seq must be positive, found 0");
        // Was ArithmeticException from Math.toIntExact: 2^40 tokens of 16-token sequences is 2^36 sequences.
        assertMalformed(v1, edited(header, h -> ((ObjectNode) h.get("schedule")).put("batch_tokens", 1L << 40)),
                "schedule.batch_tokens 1099511627776 is not a whole number of sequences of 16");
    }

    private static byte[] edited(ObjectNode header, Consumer<ObjectNode> edit) {
        ObjectNode copy = header.deepCopy();
        edit.accept(copy);
        return Mutations.write(copy);
    }

    private static ObjectNode tensor(ObjectNode header, int i) {
        return (ObjectNode) header.get("tensors").get(i);
    }

    private CheckpointException assertMalformed(byte[] checkpoint, byte[] json, String detail) {
        CheckpointException e = assertThrows(CheckpointException.class, () -> load(withHeader(checkpoint, json)));
        assertEquals(CheckpointException.Problem.MALFORMED_HEADER, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(detail), e.getMessage());
        return e;
    }

    /** Loads like {@code wafer train --resume} and {@code eval}: header, run state or model, every tensor. */
    private void load(byte[] bytes) throws IOException {
        Files.write(file, bytes);
        try (CheckpointReader reader = new FileCheckpointStore().open(file)) {
            CheckpointHeader header = reader.header();
            RunStateHeaders.shape(file, header.model());
            RunStateHeaders.kind(file, header.model());
            if (header.training().isPresent()) {
                RunStateHeaders.state(file, header);
            }
            for (TensorSpec spec : reader.tensors()) {
                reader.require(spec.name(), spec.shape());
                reader.read(spec.name());
            }
        }
    }

    private static byte[] headerJson(byte[] checkpoint) {
        int length = (int) ByteBuffer.wrap(checkpoint).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
        return java.util.Arrays.copyOfRange(checkpoint, 24, 24 + length);
    }

    /**
     * The checkpoint with its header JSON replaced and every checksum that covers it recomputed: the header CRC in
     * the preamble and the whole-file CRC in the footer. Tensor data and the tensor CRC table are kept.
     */
    static byte[] withHeader(byte[] checkpoint, byte[] json) {
        int oldLength = (int) ByteBuffer.wrap(checkpoint).order(ByteOrder.LITTLE_ENDIAN).getLong(16);
        int oldDataStart = (int) CheckpointLayout.dataStart(oldLength);
        int tailEnd = checkpoint.length - 4 - CheckpointLayout.END_MARKER.length;
        CRC32C headerCrc = new CRC32C();
        headerCrc.update(json);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer preamble = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        preamble.put(checkpoint, 0, 12).putInt((int) headerCrc.getValue()).putLong(json.length);
        out.writeBytes(preamble.array());
        out.writeBytes(json);
        out.writeBytes(new byte[(int) (CheckpointLayout.dataStart(json.length) - 24 - json.length)]);
        out.write(checkpoint, oldDataStart, tailEnd - oldDataStart);
        CRC32C fileCrc = new CRC32C();
        fileCrc.update(out.toByteArray());
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) fileCrc.getValue()).array());
        out.writeBytes("WAFEREND".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}
