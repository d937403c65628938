package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * {@code wafer bench} names what ran through the backend's own description (the port), read after the timed steps,
 * and {@code --gemm} reaches the CPU adapter's GEMMs through the composition root: the command names no adapter.
 */
class BenchCommandTest {
    @Test
    void theJsonNamesTheBackendsKernelsAfterTheRun() throws Exception {
        CliRun run = CliRun.of("bench", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--vocab",
                "512", "--batch", "2", "--steps", "1", "--precision", "bf16", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode line = new ObjectMapper().readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("cpu", line.get("backend").asText());
        String detail = line.get("backend_detail").asText();
        assertTrue(detail.startsWith("cpu: ") && detail.contains(", bf16 GEMM "), detail);
        assertTrue(line.get("tokens_per_s").asDouble() > 0, line::toString);
    }

    @Test
    void theGemmComparisonRunsThroughItsBinding() throws Exception {
        CliRun run = CliRun.of("bench", "--gemm", "64", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode first = new ObjectMapper().readTree(run.out().lines().findFirst().orElseThrow());
        assertEquals(1, first.get("threads").asInt());
        assertTrue(first.get("vector_gflops").asDouble() > 0 && first.get("scalar_gflops").asDouble() > 0,
                first::toString);
    }
}
