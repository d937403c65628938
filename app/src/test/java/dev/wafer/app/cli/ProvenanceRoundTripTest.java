package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.wafer.formats.hf.SafetensorsReader;

/**
 * A model trained on a byte-tokenized dataset keeps saying what trained it through {@code export-hf} and
 * {@code import-hf}: the directory records the data, its fingerprint and tokenizer, the checkpoint imported from it
 * carries them, and generate and eval read it with the byte tokenizer (until 2026-12-07 the imported model lost
 * all of it and was read with GPT-2's).
 */
class ProvenanceRoundTripTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 731L;

    @TempDir
    static Path dir;
    static Path dataset;
    static Path trained;
    static Path exported;
    static Path imported;
    static Path text;

    @BeforeAll
    static void trainExportImport() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder jsonl = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        for (int d = 0; d < 20; d++) {
            StringBuilder doc = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                doc.append(w == 0 ? "" : " ");
                for (int i = 2 + random.nextInt(6); i > 0; i--) {
                    doc.append((char) ('a' + random.nextInt(26)));
                }
            }
            jsonl.append(JSON.createObjectNode().put("text", doc.toString())).append('\n');
            plain.append(doc).append('\n');
        }
        Path input = dir.resolve("docs.jsonl");
        Files.writeString(input, jsonl, StandardCharsets.UTF_8);
        text = dir.resolve("held.txt");
        Files.writeString(text, plain, StandardCharsets.UTF_8);
        dataset = dir.resolve("dataset");
        MemorizedModel.run("data", "prepare", "--input", input.toString(), "--out", dataset.toString(), "--seq-len",
                "32", "--tokenizer", "bytes", "--split", "1,0,0", "--quiet");
        trained = dir.resolve("trained");
        MemorizedModel.run("train", "--data", dataset.toString(), "--out", trained.toString(), "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "32", "--vocab", "257", "--batch", "4", "--steps", "2",
                "--seed", "3", "--json");
        exported = dir.resolve("hf");
        ok("export-hf", "--checkpoint", trained.toString(), "--out", exported.toString());
        imported = dir.resolve("imported.wafer");
        ok("import-hf", "--from", exported.toString(), "--out", imported.toString());
    }

    private static CliRun ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    /**
     * The checkpoint header's training data, read where the preamble says the header is (magic, version, header
     * CRC, header length: 24 bytes). It used to take the first '{' of the file, which the preamble's CRC or length
     * holds now and then (the CRC covers the run's temporary path), and then failed to parse.
     */
    private static JsonNode checkpointData() throws IOException {
        byte[] file = Files.readAllBytes(trained.resolve("checkpoint.wafer"));
        long length = java.nio.ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(16);
        return JSON.readTree(java.util.Arrays.copyOfRange(file, 24, 24 + Math.toIntExact(length)))
                .path("training").path("data");
    }

    @Test
    void exportRecordsTheTrainingDataAndImportCarriesItThroughAnotherExport() throws IOException {
        JsonNode p = JSON.readTree(exported.resolve("config.json").toFile()).get("wafer_provenance");
        JsonNode data = checkpointData();
        assertEquals(dataset.toString(), p.path("data_path").asText(), p.toString());
        assertEquals(data.path("fingerprint").asText(), p.path("data_fingerprint").asText(), p.toString());
        assertTrue(p.path("data_fingerprint").asText().startsWith("manifest-sha256:"), p.toString());
        assertEquals("bytes-utf8", p.path("tokenizer").asText(), p.toString());
        assertEquals("2", p.path("steps").asText());
        assertEquals("256", p.path("tokens").asText()); // 2 steps of 4 rows of 32
        assertEquals("3", p.path("seed").asText());
        assertEquals("fp32", p.path("precision").asText());
        try (SafetensorsReader st = SafetensorsReader.open(exported.resolve("model.safetensors"))) {
            assertEquals("bytes-utf8", st.metadata().get("wafer_tokenizer"), st.metadata().toString());
            assertEquals(p.path("data_fingerprint").asText(), st.metadata().get("wafer_data_fingerprint"));
        }
        Path again = dir.resolve("hf-again");
        ok("export-hf", "--checkpoint", imported.toString(), "--out", again.toString());
        assertEquals(p, JSON.readTree(again.resolve("config.json").toFile()).get("wafer_provenance"));
    }

    @Test
    void generateAndEvalReadTheImportedModelWithTheByteTokenizer() {
        CliRun gen = ok("generate", "--checkpoint", imported.toString(), "--prompt", "hello", "--max-tokens", "5");
        assertTrue(gen.err().contains("tokens, stopped"), gen.err());
        ok("eval", "--checkpoint", imported.toString(), "--data", text.toString(), "--json");
    }

    @Test
    void a257IdModelImportedWithoutProvenanceIsReadWithTheByteTokenizer() throws IOException {
        Path bare = dir.resolve("hf-bare");
        Files.createDirectories(bare);
        Files.copy(exported.resolve("model.safetensors"), bare.resolve("model.safetensors"));
        ObjectNode config = (ObjectNode) JSON.readTree(exported.resolve("config.json").toFile());
        config.remove("wafer_provenance");
        Files.writeString(bare.resolve("config.json"), config.toString());
        Path ckpt = dir.resolve("bare.wafer");
        ok("import-hf", "--from", bare.toString(), "--out", ckpt.toString());
        ok("generate", "--checkpoint", ckpt.toString(), "--prompt", "hello", "--max-tokens", "3");
        ok("eval", "--checkpoint", ckpt.toString(), "--data", text.toString());
    }

    @Test
    void aProvenanceThatIsNotAnObjectOfStringsIsRefusedNamingTheField() throws IOException {
        Path bad = dir.resolve("hf-bad");
        Files.createDirectories(bad);
        Files.copy(exported.resolve("model.safetensors"), bad.resolve("model.safetensors"));
        ObjectNode config = (ObjectNode) JSON.readTree(exported.resolve("config.json").toFile());
        ((ObjectNode) config.get("wafer_provenance")).put("steps", 2);
        Files.writeString(bad.resolve("config.json"), config.toString());
        CliRun run = CliRun.of("import-hf", "--from", bad.toString(), "--out", dir.resolve("bad.wafer").toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("'wafer_provenance.steps' must be a string, found 2"), run.err());
    }

    @Test
    void anOutOfVocabularyTokenNamesTheTokenizerThatGaveIt() {
        Path small = dir.resolve("small-vocab");
        ok("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--vocab", "300",
                "--batch", "1", "--steps", "1", "--out", small.toString(), "--json");
        CliRun run = CliRun.of("eval", "--checkpoint", small.toString(), "--data", text.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("text tokenised with the gpt2-r50k tokenizer gives token"), run.err());
        assertTrue(run.err().contains("outside the model's vocabulary of 300"), run.err());
    }
}
