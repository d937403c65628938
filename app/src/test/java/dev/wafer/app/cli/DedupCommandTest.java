package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code data prepare --dedup} from the command line: flag errors, and plant, prepare, stats, score end to end. */
class DedupCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private CliRun prepare(String... dedup) {
        String[] base = {"data", "prepare", "--out", tmp.resolve("ds").toString(), "--seq-len", "64", "--quiet"};
        String[] args = java.util.Arrays.copyOf(base, base.length + dedup.length);
        System.arraycopy(dedup, 0, args, base.length, dedup.length);
        return CliRun.of(args);
    }

    private void refused(String flag, String... args) {
        CliRun r = prepare(args);
        assertEquals(WaferCommand.USAGE_ERROR, r.exitCode(), r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), "one line, no stack trace: " + line);
        assertTrue(line.contains(flag), line);
        assertFalse(Files.exists(tmp.resolve("ds")), "nothing written");
    }

    @Test
    void badDedupValuesAreRefusedNamingTheFlag() {
        refused("--dedup: expected none, exact or near, found 'fuzzy'", "--dedup", "fuzzy");
        refused("--dedup-threshold must be in (0, 1], got 0.0", "--dedup", "near", "--dedup-threshold", "0");
        refused("--dedup-threshold must be in (0, 1], got 1.5", "--dedup", "near", "--dedup-threshold", "1.5");
        refused("--dedup-threshold must be in (0, 1], got NaN", "--dedup", "near", "--dedup-threshold", "NaN");
        refused("--dedup-threshold applies to --dedup near only", "--dedup", "exact", "--dedup-threshold", "0.9");
    }

    @Test
    void plantPrepareStatsAndScoreEndToEnd() throws Exception {
        Path corpus = tmp.resolve("corpus");
        CliRun plant = CliRun.of("data", "plant-duplicates", "--out", corpus.toString(), "--mb", "0.6", "--seed", "3");
        assertEquals(0, plant.exitCode(), plant.err());
        Path ds = tmp.resolve("near");
        CliRun prep = CliRun.of("data", "prepare", "--input", corpus.resolve("corpus-00.jsonl").toString(), "--out",
                ds.toString(), "--seq-len", "64", "--tokenizer", "bytes", "--dedup", "near", "--dedup-threshold",
                "0.8", "--quiet");
        assertEquals(0, prep.exitCode(), prep.err());
        assertTrue(prep.out().contains("duplicates removed (--dedup near, threshold 0.80): "), prep.out());
        CliRun stats = CliRun.of("data", "stats", "--dataset", ds.toString(), "--json");
        assertEquals(0, stats.exitCode(), stats.err());
        JsonNode s = JSON.readTree(stats.out());
        long removed = s.path("summary").path("duplicates").asLong();
        assertTrue(removed > 0, stats.out());
        assertEquals(Files.readAllLines(ds.resolve("duplicates.jsonl")).size(), removed);
        long perSource = 0;
        for (JsonNode row : s.path("summary").path("sources")) {
            perSource += row.path("duplicates").asLong();
        }
        assertEquals(removed, perSource);
        CliRun text = CliRun.of("data", "stats", "--dataset", ds.toString());
        assertTrue(text.out().contains("duplicates"), text.out());
        CliRun score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth",
                corpus.resolve("truth.jsonl").toString(), "--json");
        assertEquals(0, score.exitCode(), score.err());
        JsonNode sc = JSON.readTree(score.out());
        assertTrue(sc.path("recall").asDouble() >= 0.95, score.out());
        assertTrue(sc.path("false_positive_rate").asDouble() <= 0.01, score.out());
    }
}
