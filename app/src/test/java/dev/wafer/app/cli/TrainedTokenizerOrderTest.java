package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which tokenizer a checkpoint was trained with, when its dataset was prepared again in place with another one: the
 * manifest used to win over the checkpoint's own record, so eval and generate read text with GPT-2 for a
 * bytes-trained model (exit 0) and audit provenance printed GPT-2 beside "DIFFERS". The checkpoint's record wins;
 * the manifest speaks only for a checkpoint that records none, and only while its fingerprint is the recorded one.
 */
class TrainedTokenizerOrderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path dataset;
    static Path run;
    static Path text;

    @BeforeAll
    static void trainThenPrepareAgain() throws IOException {
        dataset = tmp.resolve("ds");
        run = tmp.resolve("run");
        text = Files.writeString(tmp.resolve("t.txt"), "Hello there, some text to read.");
        ok("data", "prepare", "--out", dataset.toString(), "--seq", "32", "--tokenizer", "bytes", "--quiet");
        ok("train", "--data", dataset.toString(), "--vocab", "50257", "--d-model", "32", "--layers", "1", "--heads",
                "2", "--seq", "32", "--batch", "2", "--steps", "1", "--out", run.toString());
    }

    private static void ok(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.exitCode(), r.err());
    }

    private static void prepareAgainWithGpt2() throws IOException {
        try (Stream<Path> files = Files.walk(dataset)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
        ok("data", "prepare", "--out", dataset.toString(), "--seq", "32", "--quiet"); // GPT-2
    }

    private static JsonNode provenance(Path checkpoint) throws IOException {
        CliRun r = CliRun.of("audit", "provenance", "--checkpoint", checkpoint.toString(), "--json");
        assertEquals(0, r.exitCode(), r.err());
        return JSON.readTree(r.out());
    }

    /** A copy of the run's checkpoint without data.tokenizer (as trained before it was recorded), edited further. */
    private static Path withoutTokenizer(String name, java.util.function.Consumer<ObjectNode> data) throws Exception {
        return CheckpointHeaderEdit.edit(run.resolve("checkpoint.wafer"), tmp.resolve(name).resolve("checkpoint.wafer"),
                h -> {
                    ObjectNode d = (ObjectNode) h.get("training").get("data");
                    d.remove("tokenizer");
                    d.remove("tokenizer_sha256");
                    data.accept(d);
                });
    }

    @Test
    void theCheckpointsRecordWinsOverADatasetPreparedAgain() throws Exception {
        Path unchanged = withoutTokenizer("old-same", d -> { });
        Path noFingerprint = withoutTokenizer("old-nofp", d -> d.put("fingerprint", ""));
        // Same data: an old checkpoint reads its tokenizer from the manifest.
        JsonNode same = provenance(unchanged);
        assertEquals("bytes-utf8", same.path("tokenizer").asText(), same.toString());
        assertEquals("the dataset's manifest", same.path("tokenizer_source").asText());

        prepareAgainWithGpt2();
        JsonNode recorded = provenance(run);
        assertEquals("bytes-utf8", recorded.path("tokenizer").asText(), recorded.toString());
        assertEquals("recorded in the checkpoint", recorded.path("tokenizer_source").asText());
        // Text is read with bytes: one token per byte (GPT-2 would give about a quarter of that).
        CliRun eval = CliRun.of("eval", "--checkpoint", run.toString(), "--data", text.toString(), "--seq", "8",
                "--json");
        assertEquals(0, eval.exitCode(), eval.err());
        assertEquals((Files.size(text) - 1) / 8 * 8, JSON.readTree(eval.out()).path("tokens").asLong(), eval.out());
        CliRun export = CliRun.of("export-hf", "--checkpoint", run.toString(), "--out", tmp.resolve("hf").toString());
        assertEquals(0, export.exitCode(), export.err());
        assertEquals("bytes-utf8", JSON.readTree(tmp.resolve("hf/config.json").toFile()).path("wafer_provenance")
                .path("tokenizer").asText());

        // An old checkpoint whose dataset's fingerprint changed: the manifest no longer speaks for it.
        JsonNode changed = provenance(unchanged);
        assertEquals("gpt2", changed.path("tokenizer").asText(), changed.toString());
        assertEquals("assumed from the vocabulary (nothing records it)", changed.path("tokenizer_source").asText());
        // One that records no fingerprint to compare still reads the manifest (what else is there).
        JsonNode unknown = provenance(noFingerprint);
        assertEquals("gpt2-r50k", unknown.path("tokenizer").asText(), unknown.toString());
        assertEquals("the dataset's manifest", unknown.path("tokenizer_source").asText());
    }
}
