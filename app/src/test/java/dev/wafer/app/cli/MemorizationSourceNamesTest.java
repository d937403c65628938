package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit memorization} prints source names as the data tables do: quoted and escaped when they hold control
 * characters, so an ESC in a {@code pile_set_name} cannot recolour the terminal and a NUL is not printed (its tables
 * and its {@code --source} refusal printed them raw).
 */
class MemorizationSourceNamesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void sourceNamesAreEscapedInTablesAndInTheSourceRefusal() throws IOException {
        SplittableRandom random = new SplittableRandom(77);
        String[] sources = {"Books3\u009b31m", "\u001b[31mBooks3", "Plain\u0000"};
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 12; d++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 12; w++) {
                text.append(w == 0 ? "" : " ").append((char) ('a' + random.nextInt(26)))
                        .append((char) ('a' + random.nextInt(26))).append((char) ('a' + random.nextInt(26)));
            }
            var line = JSON.createObjectNode().put("text", text.toString());
            line.putObject("meta").put("pile_set_name", sources[d % sources.length]);
            jsonl.append(line).append('\n');
        }
        Path input = dir.resolve("docs.jsonl");
        Files.writeString(input, jsonl, StandardCharsets.UTF_8);
        Path ds = dir.resolve("ds");
        MemorizedModel.run("data", "prepare", "--input", input.toString(), "--out", ds.toString(), "--seq-len", "16",
                "--tokenizer", "bytes", "--split", "0.9,0.1,0", "--quiet");
        Path ck = dir.resolve("ck");
        MemorizedModel.run("train", "--data", ds.toString(), "--steps", "1", "--lr", "1e-12", "--warmup", "0",
                "--out", ck.toString(), "--json", "--d-model", "16", "--layers", "1", "--heads", "2", "--seq", "16",
                "--vocab", "257", "--batch", "2", "--seed", "1");
        CliRun r = CliRun.of("audit", "memorization", "--checkpoint", ck.toString(), "--dataset", ds.toString(),
                "--samples", "12", "--prefix", "4", "--suffix", "4", "--rows", "all");
        assertEquals(0, r.exitCode(), r.err());
        assertRaw(r.out());
        assertTrue(r.out().contains("\"\\u001b[31mBooks3\""), r.out());
        assertTrue(r.out().contains("\"Books3\\u009b31m\""), r.out());
        assertTrue(r.out().contains("\"Plain\\u0000\""), r.out());

        CliRun refused = CliRun.of("audit", "memorization", "--checkpoint", ck.toString(), "--dataset",
                ds.toString(), "--source", "\u001b[32mNone", "--prefix", "4", "--suffix", "4");
        assertEquals(WaferCommand.USAGE_ERROR, refused.exitCode(), refused.err());
        assertEquals(1, refused.err().strip().lines().count(), refused.err());
        assertRaw(refused.err());
        assertTrue(refused.err().contains("--source \"\\u001b[32mNone\""), refused.err());
        assertTrue(refused.err().contains("\"Plain\\u0000\""), refused.err());
    }

    private static void assertRaw(String printed) {
        assertFalse(printed.chars().anyMatch(c -> c == 0 || c == 0x1b || c == 0x9b), printed);
    }
}
