package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import dev.wafer.app.backend.MemoryBudget;
import dev.wafer.conformance.reference.SilentMatmulBackend;

/**
 * A device backend whose timed GEMM computes nothing: {@code bench} reports the failed check in
 * {@code peak_gemm_error}, with no peak and no share, and still gives the step timings.
 */
class DevicePeakErrorTest {
    @Test
    void aWrongTimedProductIsReportedNotFatal() throws Exception {
        BenchCommand bench = new BenchCommand();
        bench.backends = SilentMatmulBackend::create;
        bench.budget = new MemoryBudget(1L << 32, "free device memory of a fake GPU", true);
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(bench);
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--vocab", "64",
                "--batch", "2", "--steps", "1", "--peak-size", "24", "--json");
        assertEquals(0, code, out.toString());
        JsonNode line = new ObjectMapper().readTree(out.toString().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(line.get("peak_gemm_flops_per_s").isNull(), line::toString);
        assertTrue(line.get("share_of_peak").isNull(), line::toString);
        assertTrue(line.get("peak_gemm_error").asText().startsWith("GEMM peak: the timed 24^3 product is wrong at ("),
                line::toString);
        assertTrue(line.get("tokens_per_s").asDouble() > 0, line::toString);
    }
}
