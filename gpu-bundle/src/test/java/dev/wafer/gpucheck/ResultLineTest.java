package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A bench's result line, whatever it holds, is recorded rather than stopping the check. */
class ResultLineTest {

    @Test
    void aCleanLineIsReadAsIs() {
        ResultLine line = ResultLine.lastOf("WARNING: x\n{\"tokens_per_s\":10.5}\nnoise\n{\"tokens_per_s\":12.5}\n");
        assertTrue(line.clean());
        assertEquals(Optional.of(12.5), line.number("tokens_per_s"));
    }

    @Test
    void nanAndInfinityBecomeNullWithANote() {
        // What Python's json.dumps writes for float('nan') and float('inf').
        ResultLine line = ResultLine.parse("{\"tokens_per_s\": NaN, \"step_seconds\": Infinity,"
                + " \"inner\": {\"loss\": -Infinity}, \"ok\": 1.5}");
        assertFalse(line.clean());
        assertTrue(line.value().orElseThrow().get("tokens_per_s").isNull());
        assertTrue(line.value().orElseThrow().get("step_seconds").isNull());
        assertTrue(line.value().orElseThrow().get("inner").get("loss").isNull());
        assertEquals(Optional.empty(), line.number("tokens_per_s"));
        assertEquals(Optional.of(1.5), line.number("ok"));
        assertEquals(List.of("tokens_per_s was NaN", "step_seconds was Infinity", "inner.loss was -Infinity"),
                line.notes());
    }

    @Test
    void aLineThatDoesNotParseIsKeptRaw() {
        ResultLine line = ResultLine.lastOf("{\"tokens_per_s\": 1e, oops}");
        assertFalse(line.clean());
        assertEquals("{\"tokens_per_s\": 1e, oops}", line.raw());
        assertTrue(line.notes().getFirst().startsWith("unparsable"), line.notes().toString());
    }

    @Test
    void outputWithoutAResultSaysSo() {
        ResultLine line = ResultLine.lastOf("Exception in thread main\n");
        assertFalse(line.clean());
        assertEquals(List.of("no JSON result line in the output"), line.notes());
    }

    @Test
    void aBenchLineWithNanIsRecordedAsBadOutputNotOk() {
        ProcessRun run = new ProcessRun(0, "{\"tokens_per_s\": NaN}\n", false, Duration.ofSeconds(1));
        ResultLine line = ResultLine.lastOf(run.output());
        assertEquals(Outcome.BAD_OUTPUT, Outcome.status(run, line));
        var phase = Json.object();
        Outcome.record(phase, "wafer", run, line);
        assertEquals("{\"tokens_per_s\": NaN}", phase.get("raw_line").asText());
        assertTrue(phase.get("wafer").get("tokens_per_s").isNull());
        assertEquals("tokens_per_s was NaN", phase.get("result_notes").get(0).asText());
    }
}
