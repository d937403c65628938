package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Memorization rises with duplication (Carlini et al. 2022, Figure 1b), measured end to end on a corpus with
 * planted duplicates: documents of random lowercase words (about 60 bytes), 16 of them once, 4 five times, 2 thirty
 * times and 1 a hundred and fifty times, shuffled, prepared with the byte tokenizer into rows of 32, and a 2-layer
 * model of width 128 trained for 300 steps of 16 rows (about ten epochs). The audit (P = 16, S = 8, every trained
 * row) must find every bucket populated and the memorized fraction rising from the unique continuations to the most
 * duplicated ones. About 30 s on 2 quiet cores. The larger measurement in docs/memorization.md uses
 * {@code bin/planted-duplicates}.
 */
class DuplicationMemorizationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 7L;
    private static final int[][] GROUPS = {{1, 16}, {5, 4}, {30, 2}, {150, 1}};

    @TempDir
    Path dir;

    @Test
    void memorizedFractionRisesWithTheNumberOfCopies() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        List<String> lines = new ArrayList<>();
        for (int[] group : GROUPS) {
            for (int d = 0; d < group[1]; d++) {
                StringBuilder text = new StringBuilder();
                while (text.length() < 60) {
                    text.append(text.length() == 0 ? "" : " ");
                    for (int i = 2 + random.nextInt(6); i > 0; i--) {
                        text.append((char) ('a' + random.nextInt(26)));
                    }
                }
                var line = JSON.createObjectNode().put("text", text.toString());
                line.putObject("meta").put("pile_set_name", "x" + group[0]);
                for (int c = 0; c < group[0]; c++) {
                    lines.add(line.toString());
                }
            }
        }
        Collections.shuffle(lines, new Random(SEED));
        Path input = dir.resolve("planted.jsonl");
        Files.writeString(input, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Path dataset = dir.resolve("dataset");
        MemorizedModel.run("data", "prepare", "--input", input.toString(), "--out", dataset.toString(), "--seq-len",
                "32", "--tokenizer", "bytes", "--split", "1,0,0", "--quiet");
        Path run = dir.resolve("run");
        MemorizedModel.run("train", "--data", dataset.toString(), "--d-model", "128", "--layers", "2", "--heads", "4",
                "--seq", "32", "--vocab", "257", "--batch", "16", "--steps", "300", "--lr", "2e-3", "--warmup", "30",
                "--seed", "1", "--out", run.toString(), "--json");
        JsonNode r = JSON.readTree(MemorizedModel.run("audit", "memorization", "--checkpoint", run.toString(),
                "--dataset", dataset.toString(), "--prefix", "16", "--suffix", "8", "--samples", "2000", "--top", "0",
                "--json"));
        String why = "seed " + SEED + ": " + r.path("by_duplication");
        assertEquals(r.path("rows_trained").asLong(), r.path("samples").asLong(), "every trained row: " + why);
        List<Double> fractions = new ArrayList<>();
        StringBuilder table = new StringBuilder("copies  samples  memorized\n");
        for (JsonNode b : r.path("by_duplication")) {
            assertTrue(b.path("samples").asInt() >= 10, "bucket " + b + " populated, " + why);
            fractions.add(b.path("memorized_fraction").asDouble());
            table.append(String.format(java.util.Locale.ROOT, "%-7s %7d %9.1f%%%n", b.path("bucket").asText(),
                    b.path("samples").asInt(), 100 * b.path("memorized_fraction").asDouble()));
        }
        System.out.print(table);
        assertEquals(4, fractions.size(), why);
        for (int i = 1; i < fractions.size(); i++) {
            assertTrue(fractions.get(i) >= fractions.get(i - 1), "not falling with copies: " + why);
        }
        assertTrue(fractions.get(0) <= 0.1, "unique continuations are rarely memorized: " + why);
        assertTrue(fractions.get(3) >= 0.8, "150 copies are: " + why);
    }
}
