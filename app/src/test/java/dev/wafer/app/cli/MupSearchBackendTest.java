package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.formats.study.MupSearchLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code study mup-search} records the backend each sample trained on and refuses a rerun on another, as it refuses
 * other settings. Until 2026-12-07 a rerun with another {@code --backend} reused the earlier samples, trained the new
 * ones on the other backend and labelled the whole search with the last one.
 */
class MupSearchBackendTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private String[] search(Path data, Path out, int samples) {
        return new String[] {"study", "mup-search", "--proxy", "mup-proxy-64", "--samples", String.valueOf(samples),
            "--budget-tokens", "128", "--data", data.toString(), "--seq", "16", "--batch", "2", "--eval-sequences",
            "4", "--seed", "3", "--out", out.toString(), "--json", "--quiet", "--backend", "cpu"};
    }

    @Test
    void aRerunOnAnotherBackendIsRefusedAndOldLogsAreNotChecked() throws Exception {
        Path data = tmp.resolve("bytes16");
        StudyData.bytes16(data);
        Path out = tmp.resolve("search");
        CliRun first = CliRun.of(search(data, out, 1));
        assertEquals(0, first.exitCode(), first.err());
        Path log = out.resolve(MupSearchLog.FILE_NAME);
        String line = Files.readAllLines(log).get(0);
        assertEquals("cpu", JSON.readTree(line).get("backend").asText(), line);

        // As if trained on another backend: this rerun on cpu would mix samples of two backends under one label.
        Files.writeString(log, line.replace("\"backend\":\"cpu\"", "\"backend\":\"opencl\"") + "\n");
        CliRun other = CliRun.of(search(data, out, 2));
        assertEquals(2, other.exitCode(), other.err());
        assertEquals(1, other.err().strip().lines().count(), other.err());
        assertTrue(other.err().contains("holds a search with --backend opencl, not cpu; give another --out or the same"),
                other.err());

        // A log written before the backend was recorded: its samples cannot be checked, and are kept.
        JsonNode old = JSON.readTree(line);
        ((com.fasterxml.jackson.databind.node.ObjectNode) old).remove("backend");
        Files.writeString(log, JSON.writeValueAsString(old) + "\n");
        CliRun resumed = CliRun.of(search(data, out, 2));
        assertEquals(0, resumed.exitCode(), resumed.err());
        List<String> after = Files.readAllLines(log);
        assertEquals(2, after.size(), String.join("\n", after));
        assertFalse(JSON.readTree(after.get(0)).has("backend"), "the old line kept as it was");
        assertEquals("cpu", JSON.readTree(after.get(1)).get("backend").asText());
        int wrongType = 0;
        Files.writeString(log, line.replace("\"backend\":\"cpu\"", "\"backend\":" + wrongType) + "\n");
        CliRun typed = CliRun.of(search(data, out, 2));
        assertEquals(2, typed.exitCode(), typed.err());
        assertTrue(typed.err().contains(":1: field 'backend' must be a string, found 0"), typed.err());
    }
}
