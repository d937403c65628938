package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report on disk is valid JSON after every step, and says which phase was running. */
class ReportTest {

    /** Strict JSON, as any reader of the report would parse it. */
    private static JsonNode read(Path file) throws Exception {
        return new ObjectMapper().readTree(Files.readString(file));
    }

    @Test
    void aPhaseIsOnDiskAsRunningBeforeItStartsAndWithItsStatusAfter(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("out/report.json");
        Report report = new Report(file, "rehearse");
        Report.Phase phase = report.begin("bench x", "bench");
        JsonNode during = read(file);
        assertEquals("running", during.path("phases").get(0).path("status").asText());
        assertEquals("running", during.path("status").asText());

        phase.node().put("tokens_per_s", 12.0);
        phase.end(Report.OK);
        JsonNode after = read(file);
        assertEquals("ok", after.path("phases").get(0).path("status").asText());
        assertEquals(12.0, after.path("phases").get(0).path("tokens_per_s").asDouble());
        assertTrue(after.path("phases").get(0).path("seconds").isNumber());
        try (Stream<Path> left = Files.list(file.getParent())) {
            assertEquals(0, left.filter(f -> f.toString().endsWith(".tmp")).count(),
                    "a temporary file was left beside the report");
        }
        // The page beside it says what the JSON says, the phase that ended included.
        assertEquals(tmp.resolve("out/report.md"), report.page());
        String page = Files.readString(report.page());
        assertTrue(page.contains("| bench x | ok |"), page);
    }

    @Test
    void aSkippedPhaseIsRecorded(@TempDir Path tmp) throws Exception {
        Report report = new Report(tmp.resolve("r.json"), "gpu");
        report.skip("train cuda 300 steps", "train", Report.SKIPPED_DEADLINE);
        assertEquals("skipped: deadline", read(tmp.resolve("r.json")).path("phases").get(0).path("status").asText());
    }

    @Test
    void anInterruptedReportMarksTheRunningPhaseAndIgnoresLaterWrites(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("r.json");
        Report report = new Report(file, "gpu");
        report.begin("device", "device").end(Report.OK);
        Report.Phase tests = report.begin("tests fast", "tests");
        report.interrupt("stopped");
        tests.end("crashed"); // the killed child's exit, seen after the interruption: not written
        JsonNode json = read(file);
        assertEquals("interrupted", json.path("status").asText());
        assertEquals("ok", json.path("phases").get(0).path("status").asText());
        assertEquals("interrupted", json.path("phases").get(1).path("status").asText());
    }

    @Test
    void nonFiniteNumbersNeverReachTheFile(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("r.json");
        Report report = new Report(file, "gpu");
        Report.Phase phase = report.begin("bench x", "bench");
        phase.node().put("fraction_of_bf16_peak", Double.NaN);
        phase.node().putArray("losses").add(Double.POSITIVE_INFINITY);
        phase.end(Report.OK);
        JsonNode json = read(file); // would throw on a bare NaN
        assertTrue(json.path("phases").get(0).path("fraction_of_bf16_peak").isNull());
        assertTrue(json.path("phases").get(0).path("losses").get(0).isNull());
        assertTrue(json.path("notes").toString().contains("phases[0].fraction_of_bf16_peak was NaN"),
                json.toPrettyString());
    }
}
