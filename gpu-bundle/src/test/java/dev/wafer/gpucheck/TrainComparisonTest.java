package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The training check's verdicts: device within 1% of the CPU, the resumed run within 1% of the uninterrupted one. */
class TrainComparisonTest {

    private static Optional<TrainRun> run(double finalLoss, double validation) {
        return Optional.of(new TrainRun("x", List.of(), "fast", true,
                new ProcessRun(0, "", false, Duration.ZERO), Optional.of(300), Optional.of(finalLoss),
                Optional.of(validation), List.of()));
    }

    @Test
    void withinOnePercentPasses() {
        TrainComparison c = new TrainComparison(run(5.0, 5.04), run(5.0, 5.0), run(5.0, 5.04));
        ObjectNode json = c.toJson();
        assertEquals(0.008, json.get("device_vs_cpu_relative").asDouble(), 1e-12);
        assertTrue(json.get("device_vs_cpu_within_tolerance").asBoolean());
        assertTrue(json.get("resume_exact").asBoolean());
        assertEquals(List.of(), c.problems());
    }

    @Test
    void moreThanOnePercentIsAProblem() {
        TrainComparison c = new TrainComparison(run(5.0, 5.06), run(5.0, 5.0), run(5.2, 5.06));
        assertFalse(c.toJson().get("device_vs_cpu_within_tolerance").asBoolean());
        assertFalse(c.toJson().get("resume_within_tolerance").asBoolean());
        assertEquals(2, c.problems().size(), c.problems().toString());
        assertTrue(c.problems().getFirst().contains("1.20%"), c.problems().toString());
    }

    @Test
    void aMissingRunIsNotComparedAndNotAProblem() {
        TrainComparison c = new TrainComparison(run(5.0, 5.0), Optional.empty(), Optional.empty());
        assertEquals("not compared: a run is missing", c.toJson().get("device_vs_cpu").asText());
        assertEquals(List.of(), c.problems());
    }
}
