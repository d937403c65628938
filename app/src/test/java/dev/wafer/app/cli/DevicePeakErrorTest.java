package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import dev.wafer.app.backend.MemoryBudget;
import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.MatmulKernel;

/**
 * A device backend whose timed GEMM computes nothing: {@code bench} reports the failed check in
 * {@code peak_gemm_error}, with no peak and no share, and still gives the step timings.
 */
class DevicePeakErrorTest {
    /** The reference backend with a matmul that writes nothing. */
    private static ComputeBackend silentMatmul() {
        ComputeBackend reference = new ReferenceBackend();
        ClassLoader loader = DevicePeakErrorTest.class.getClassLoader();
        MatmulKernel nothing = (MatmulKernel) Proxy.newProxyInstance(loader, new Class<?>[] {MatmulKernel.class},
                (p, m, a) -> null);
        return (ComputeBackend) Proxy.newProxyInstance(loader, new Class<?>[] {ComputeBackend.class}, (p, m, a) -> {
            if (m.getName().equals("matmul")) {
                return nothing;
            }
            try {
                return m.invoke(reference, a);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void aWrongTimedProductIsReportedNotFatal() throws Exception {
        BenchCommand bench = new BenchCommand();
        bench.backends = DevicePeakErrorTest::silentMatmul;
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
