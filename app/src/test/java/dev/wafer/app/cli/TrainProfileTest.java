package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@code wafer train --profile}: the run's kernels per optimizer step, after the steps; refused with a dry run. */
class TrainProfileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> RUN = List.of("train", "--synthetic", "--vocab", "64", "--d-model", "32",
            "--layers", "2", "--heads", "2", "--seq", "8", "--batch", "4", "--micro-batch", "2", "--steps", "3",
            "--eval-batches", "0", "--seed", "3", "--json");

    private static CliRun run(String... extra) {
        List<String> args = new java.util.ArrayList<>(RUN);
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void theProfileCountsEveryMicroBatchsKernelsAndChangesNoLoss() throws Exception {
        CliRun profiled = run("--profile");
        assertEquals(0, profiled.exitCode(), profiled.err());
        List<JsonNode> lines = profiled.out().lines().map(TrainProfileTest::parse).toList();
        JsonNode profile = lines.get(lines.size() - 1).get("profile");
        assertEquals(3, profile.get("steps").asInt(), profile::toString);
        Map<String, Double> calls = new HashMap<>();
        for (JsonNode k : profile.get("kernels")) {
            calls.put(k.get("kernel").asText(), k.get("calls_per_step").asDouble());
        }
        // Two micro-batches per step, each through 2 blocks of four linear layers and the LM head.
        assertEquals(2 * (4 * 2 + 1), calls.get("matmul.forward"), 1e-9, calls::toString);
        assertEquals(2 * (4 * 2 + 1), calls.get("matmul.backward"), 1e-9, calls::toString);
        assertEquals(2 * 2, calls.get("attention.forward"), 1e-9, calls::toString);
        // The trainer knows each micro-batch's loss weight up front: the loss and its gradient in one call.
        assertEquals(2, calls.get("cross_entropy.forward_backward"), 1e-9, calls::toString);
        // Profiling times the same work: the losses are those of the unprofiled run, bit for bit.
        CliRun plain = run();
        assertEquals(0, plain.exitCode(), plain.err());
        assertEquals(losses(plain.out()), losses(profiled.out()));
    }

    @Test
    void aDryRunIsRefusedInOneLine() {
        CliRun r = CliRun.of("train", "--synthetic", "--dry-run", "--no-measure", "--profile");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().strip().startsWith("wafer: --profile: only for a training run")
                && r.err().strip().lines().count() == 1, r.err());
    }

    private static List<String> losses(String out) {
        return out.lines().map(TrainProfileTest::parse).filter(n -> n.has("step"))
                .map(n -> n.get("loss").asText()).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
