package dev.wafer.app.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.wafer.app.cli.WaferCommand;

/**
 * {@code wafer bench --backend opencl} reports the share of the backend's GEMM peak, measured in the same run through
 * its own matmul (before, OpenCL printed no peak): the share is the model's FLOP/s over the printed peak, the peak
 * names the OpenCL matmul and the size asked for, and {@code --peak-size 0} leaves both fields null rather than
 * invented; {@code backend_detail} names the device that ran it. Skipped with the reason where no OpenCL platform
 * exists; a failure instead when {@code WAFER_EXPECT_OPENCL=1}.
 */
class OpenClBenchCommandTest {
    private static final String[] SHAPE = {"bench", "--backend", "opencl", "--d-model", "32", "--layers", "1",
        "--heads", "2", "--seq", "16", "--vocab", "64", "--batch", "2", "--steps", "1", "--warmup", "1", "--json"};

    @BeforeEach
    void requireOpenCl() {
        OpenClPlatform.require();
    }

    @Test
    void theShareOfTheOpenClGemmPeakIsMeasuredInTheSameRun() throws Exception {
        JsonNode line = bench("--peak-size", "128");
        assertEquals("opencl", line.get("backend").asText());
        String detail = line.get("backend_detail").asText();
        assertTrue(detail.startsWith("opencl: ") && detail.contains(" compute units, "), "names the device: " + detail);
        double peak = line.get("peak_gemm_flops_per_s").asDouble();
        assertTrue(peak > 0, line::toString);
        double share = line.get("model_flops_per_s").asDouble() / peak;
        assertEquals(share, line.get("share_of_peak").asDouble(), 1e-3 * share + 1e-4, line::toString);
        String gemm = line.get("peak_gemm").asText();
        assertTrue(gemm.startsWith("128^3, ") && gemm.contains("through opencl's matmul"), gemm);
    }

    /** --gemm times the cpu backend's two GEMMs: with --backend opencl it is refused, never silently run on the CPU. */
    @Test
    void theCpuGemmComparisonRefusesAnotherBackend() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(new String[] {"bench", "--backend", "opencl", "--gemm", "64"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, out + said);
        assertTrue(said.startsWith("wafer: --gemm compares the cpu backend's") && said.contains("'opencl'")
                && out.size() == 0, out + said);
    }

    @Test
    void noPeakIsReportedWhenNoneIsAskedFor() throws Exception {
        JsonNode line = bench("--peak-size", "0");
        assertTrue(line.get("peak_gemm_flops_per_s").isNull(), line::toString);
        assertTrue(line.get("share_of_peak").isNull(), line::toString);
    }

    private static JsonNode bench(String... extra) throws Exception {
        String[] args = new String[SHAPE.length + extra.length];
        System.arraycopy(SHAPE, 0, args, 0, SHAPE.length);
        System.arraycopy(extra, 0, args, SHAPE.length, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, "exit " + code + " " + err);
        String last = out.toString(StandardCharsets.UTF_8).strip().lines().reduce((a, b) -> b).orElseThrow();
        return new ObjectMapper().readTree(last);
    }
}
