package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a checkpoint header or an exported directory's {@code wafer_provenance} records, edited by hand: a NUL in a
 * data path crashed audit provenance, generate, eval, export-hf and resume (exit 70, a stack trace); values resume
 * refuses were printed and exported with exit 0; an ESC reached the terminal raw; and a record naming only the
 * tokenizer gave "was trained on , tokenized with".
 */
class RecordedProvenanceValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path run;
    static Path hf;

    @BeforeAll
    static void trainAndExport() {
        Path dataset = tmp.resolve("ds");
        run = tmp.resolve("run");
        hf = tmp.resolve("hf");
        ok("data", "prepare", "--out", dataset.toString(), "--seq", "32", "--tokenizer", "bytes", "--quiet");
        ok("train", "--data", dataset.toString(), "--vocab", "257", "--d-model", "32", "--layers", "1", "--heads",
                "2", "--seq", "32", "--batch", "2", "--steps", "1", "--out", run.toString());
        ok("export-hf", "--checkpoint", run.toString(), "--out", hf.toString());
    }

    private static CliRun ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r.err());
        return r;
    }

    private static void refused(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("wafer: ") && r.err().contains(expected), r.err());
    }

    private static Path edited(String name, Consumer<ObjectNode> training) throws Exception {
        return CheckpointHeaderEdit.edit(run.resolve("checkpoint.wafer"), tmp.resolve(name + "/checkpoint.wafer"),
                h -> training.accept((ObjectNode) h.get("training")));
    }

    /** A copy of the exported directory whose config.json records {@code provenance}. */
    private static Path exported(String name, Map<String, String> provenance) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(hf.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        ObjectNode config = (ObjectNode) JSON.readTree(hf.resolve("config.json").toFile());
        config.set("wafer_provenance", JSON.valueToTree(provenance));
        Files.writeString(dir.resolve("config.json"), config.toString());
        return dir;
    }

    @Test
    void aNulInARecordedDataPathIsAMalformedHeader() throws Exception {
        String c = edited("nul", t -> ((ObjectNode) t.get("data")).put("path", "\u0000x")).getParent().toString();
        String named = "training.data.path holds a NUL character";
        refused(named, "audit", "provenance", "--checkpoint", c);
        refused(named, "export-hf", "--checkpoint", c, "--out", tmp.resolve("nul-hf").toString());
        refused(named, "eval", "--checkpoint", c, "--data", tmp.resolve("ds").toString());
        refused(named, "generate", "--checkpoint", c, "--prompt", "hi", "--max-tokens", "1");
        refused(named, "train", "--resume", c, "--dry-run");
    }

    @Test
    void importHfRefusesANulDataPath() throws IOException {
        Path dir = exported("hf-nul", Map.of("data_path", "\u0000", "tokenizer", "bytes-utf8"));
        Path out = tmp.resolve("nul-import.wafer");
        refused("field 'wafer_provenance.data_path' holds a NUL character", "import-hf", "--from", dir.toString(),
                "--out", out.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void aPathThisFileSystemCannotNameIsNotADataset() {
        Map<String, Object> check = DatasetProvenance.check("\u0000x", "");
        assertEquals(false, check.get("found"));
        assertTrue(RecordedPath.of("\u0000x").isEmpty());
    }

    @Test
    void auditAndExportRefuseWhatResumeRefuses() throws Exception {
        Map<String, Consumer<ObjectNode>> edits = Map.of(
                "data kind must be dataset, tokens, sample or synthetic, found 'weird'",
                t -> ((ObjectNode) t.get("data")).put("kind", "weird"),
                "invalid run position: step -5", t -> ((ObjectNode) t.get("position")).put("step", -5),
                "precision must be fp32, bf16 or fp16, found 'fp64'", t -> t.put("precision", "fp64"));
        int i = 0;
        for (var e : edits.entrySet()) {
            String c = edited("bad" + i, e.getValue()).getParent().toString();
            refused(e.getKey(), "train", "--resume", c, "--dry-run");
            refused(e.getKey(), "audit", "provenance", "--checkpoint", c);
            refused(e.getKey(), "generate", "--checkpoint", c, "--prompt", "hi");
            refused(e.getKey(), "eval", "--checkpoint", c, "--data", Files.writeString(tmp.resolve("e" + i + ".txt"),
                    "Some text to score.").toString());
            Path out = tmp.resolve("bad-hf" + i++);
            refused(e.getKey(), "export-hf", "--checkpoint", c, "--out", out.toString());
            assertFalse(Files.exists(out.resolve("config.json")), out.toString());
        }
    }

    @Test
    void aRecordNamingOnlyTheTokenizerSaysNoDatasetIsRecorded() throws IOException {
        Path dir = exported("hf-sp", Map.of("tokenizer", "sentencepiece"));
        Path imported = tmp.resolve("sp.wafer");
        ok("import-hf", "--from", dir.toString(), "--out", imported.toString());
        Path text = Files.writeString(tmp.resolve("t.txt"), "Some text.");
        CliRun eval = CliRun.of("eval", "--checkpoint", imported.toString(), "--data", text.toString());
        assertEquals(2, eval.exitCode(), eval.err());
        assertTrue(eval.err().contains(" was trained on data tokenized with sentencepiece (its dataset is not"
                + " recorded); "), eval.err());
        CliRun generate = CliRun.of("generate", "--checkpoint", imported.toString(), "--prompt", "hi");
        assertEquals(2, generate.exitCode(), generate.err());
        assertTrue(generate.err().contains(" was trained on data tokenized with sentencepiece (its dataset is not"
                + " recorded); "), generate.err());
    }

    @Test
    void recordedValuesReachTheTerminalEscaped() throws IOException {
        Path dir = exported("hf-esc", Map.of("data_path", "ds\u001b[31m", "tokenizer", "bytes-utf8\u001b[2J",
                "note\u001b", "x"));
        Path imported = tmp.resolve("esc.wafer");
        CliRun importRun = ok("import-hf", "--from", dir.toString(), "--out", imported.toString());
        CliRun audit = ok("audit", "provenance", "--checkpoint", imported.toString());
        CliRun export = ok("export-hf", "--checkpoint", imported.toString(), "--out", tmp.resolve("esc-hf").toString());
        for (CliRun r : new CliRun[] {importRun, audit, export}) {
            assertFalse(r.out().contains("\u001b") || r.err().contains("\u001b"), r.out());
            assertTrue(r.out().contains("\"ds\\u001b[31m\""), r.out());
        }
        assertTrue(audit.out().contains("tokenizer:") && audit.out().contains("\"bytes-utf8\\u001b[2J\""), audit.out());
        // Nothing is lost: the record itself keeps the value as it was.
        assertEquals("ds\u001b[31m", JSON.readTree(tmp.resolve("esc-hf/config.json").toFile())
                .path("wafer_provenance").path("data_path").asText());
    }
}
