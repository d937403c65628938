package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.plot.StudyPlotsTest;

/**
 * A coordinate check at a learning rate that blows the models up, as its help invites ("larger than training's to
 * expose blow-ups"): each width's divergence is a result, with its steps from the one that gave up NaN, and the
 * table, JSON and PNG are still written (until 2026-12-08 the first blow-up was an internal error, exit 70, and
 * nothing was written).
 */
class CoordCheckDivergenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aWidthThatBlowsUpIsReportedAndTheOthersAreKept(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("bytes16");
        StudyData.bytes16(data);
        Path out = tmp.resolve("cc");
        CliRun run = CliRun.of("study", "coord-check", "--data", data.toString(), "--seq", "16", "--batch", "2",
                "--parameterisation", "sp", "--lr", "100", "--widths", "32,64", "--steps", "30", "--d-head", "16",
                "--layers", "1", "--out", out.toString(), "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.err().contains("internal error") || run.err().contains("\tat "), run.err());

        JsonNode root = JSON.readTree(out.resolve("coord-check-sp.json").toFile());
        int diverged = 0;
        for (JsonNode w : root.get("widths")) {
            JsonNode why = w.get("diverged");
            assertTrue(why != null, "every width says whether it diverged: " + w);
            if (why.isNull()) {
                continue;
            }
            diverged++;
            java.util.regex.Matcher m = java.util.regex.Pattern
                    .compile("diverged: steps (\\d+)-(\\d+) of 30 were non-finite \\(at step \\2: .+\\)")
                    .matcher(why.asText());
            assertTrue(m.matches(), why.asText());
            int last = Integer.parseInt(m.group(2));
            assertEquals(last - 7, Integer.parseInt(m.group(1)), "the trainer gives up after 8 in a row: " + why);
            JsonNode steps = w.get("steps");
            assertEquals(30, steps.size());
            for (int t = 1; t <= 30; t++) {
                JsonNode logits = steps.get(t - 1).get("mean_abs").get("logits");
                if (t >= last) {
                    assertTrue(logits.isNull(), "step " + t + " of width " + w.get("width") + " is NaN: " + logits);
                } else if (t == 1) {
                    assertTrue(logits.asDouble() > 0, "initialisation is measured: " + logits);
                }
            }
            assertTrue(run.out().contains("width " + w.get("width").asInt() + " " + why.asText()
                    + ": its steps from the last are NaN"), run.out());
        }
        assertTrue(diverged > 0, "lr 100 blows SP up within 30 steps: " + run.out());
        assertTrue(run.out().contains("ratio 64/32"), run.out());
        assertTrue(Files.exists(out.resolve("coord-check-sp.png")));
        StudyPlotsTest.check(out.resolve("coord-check-sp.png"));
    }
}
