package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How a child that prints one JSON result line ended, in the report's words: {@code ok} only when it exited 0 with a
 * result whose numbers are all finite.
 */
final class Outcome {

    static final String BAD_OUTPUT = "bad output";

    private Outcome() {
    }

    static String status(ProcessRun run, ResultLine line) {
        if (run.timedOut()) {
            return TestPhase.TIMED_OUT;
        }
        if (!run.ok()) {
            return Report.FAILED;
        }
        return line.clean() ? Report.OK : BAD_OUTPUT;
    }

    /** Writes the result under {@code field}, the notes, and (when not ok) the raw line and the output's end. */
    static void record(ObjectNode phase, String field, ProcessRun run, ResultLine line) {
        phase.put("child", run.ending());
        line.value().ifPresent(v -> phase.set(field, v));
        if (!line.notes().isEmpty()) {
            ArrayNode notes = phase.putArray("result_notes");
            line.notes().forEach(notes::add);
        }
        if (!status(run, line).equals(Report.OK)) {
            phase.put("raw_line", line.raw());
            phase.put("message", run.lastLine());
            phase.put("output_tail", run.tail());
        }
    }
}
