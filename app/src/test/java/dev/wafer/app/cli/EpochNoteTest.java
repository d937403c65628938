package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A run that trains more sequences than its training split holds says so, with the epochs (it was silent). */
class EpochNoteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 77;

    @TempDir
    static Path dir;
    static Path dataset;
    static long rows;

    @BeforeAll
    static void prepare() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 20; d++) {
            StringBuilder text = new StringBuilder();
            while (text.length() < 90) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            jsonl.append(JSON.createObjectNode().put("text", text.toString())).append('\n');
        }
        Path input = dir.resolve("docs.jsonl");
        Files.writeString(input, jsonl, StandardCharsets.UTF_8);
        dataset = dir.resolve("dataset");
        CliRun prepared = CliRun.of("data", "prepare", "--input", input.toString(), "--out", dataset.toString(),
                "--seq-len", "32", "--tokenizer", "bytes", "--split", "1,0,0", "--quiet");
        assertEquals(0, prepared.exitCode(), prepared.err());
        rows = JSON.readTree(Files.readString(dataset.resolve("manifest.json"))).path("splits").path("train")
                .path("sequences").asLong();
        assertTrue(rows > 20 && rows < 100, "rows " + rows);
    }

    private static String[] train(long steps, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", dataset.toString(), "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "32", "--vocab", "257", "--batch", "4", "--steps",
                String.valueOf(steps)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aRunOfSeveralEpochsSaysHowMany() throws Exception {
        long steps = rows; // 4 x rows sequences over epochs of rows - 1
        double epochs = 4.0 * steps / (rows - 1);
        String note = String.format(Locale.ROOT, "wafer: note: the run trains %d sequences from a training split of"
                + " %d (%d an epoch: the split's last has no next token for its last target): about %.2f epochs",
                4 * steps, rows, rows - 1, epochs);
        CliRun dry = CliRun.of(train(steps, "--dry-run", "--no-measure", "--json"));
        assertEquals(0, dry.exitCode(), dry.err());
        JsonNode r = JSON.readTree(dry.out());
        assertEquals(epochs, r.get("epochs").asDouble(), 1e-12, dry.out());
        assertEquals(1, dry.err().lines().filter(l -> l.startsWith(note)).count(), dry.err());
        CliRun run = CliRun.of(train(steps, "--stop-at", "1", "--json"));
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().filter(l -> l.startsWith(note)
                && l.endsWith("the paper trains each token once")).count(), run.err());
    }

    @Test
    void aRunWithinOneEpochSaysNothing() throws Exception {
        long steps = (rows - 1) / 4;
        CliRun dry = CliRun.of(train(steps, "--dry-run", "--no-measure", "--json"));
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(JSON.readTree(dry.out()).get("epochs").asDouble() <= 1, dry.out());
        assertFalse(dry.err().contains("epochs"), dry.err());
        CliRun run = CliRun.of(train(1, "--json"));
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.err().contains("epochs"), run.err());
    }
}
