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
    void thePeakIsMeasuredInTheSameRunOnTheStepsGemm() throws Exception {
        for (String precision : new String[] {"bf16", "fp32"}) {
            CliRun run = CliRun.of("bench", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16",
                    "--vocab", "512", "--batch", "2", "--steps", "1", "--precision", precision, "--json");
            assertEquals(0, run.exitCode(), run.err());
            JsonNode line = new ObjectMapper().readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
            double peak = line.get("peak_gemm_flops_per_s").asDouble();
            assertTrue(peak > 1e9, line::toString);
            double share = line.get("model_flops_per_s").asDouble() / peak;
            assertEquals(share, line.get("share_of_peak").asDouble(), 1e-3 * share + 1e-4, line::toString);
            double productShare = line.get("product_flops_per_s").asDouble() / peak;
            assertEquals(productShare, line.get("product_share_of_peak").asDouble(), 1e-3 * productShare + 1e-4,
                    line::toString);
            // Appendix F counts more than the products (embeddings, element-wise terms).
            assertTrue(line.get("product_flops_per_s").asDouble() < line.get("model_flops_per_s").asDouble(),
                    line::toString);
            String gemm = line.get("peak_gemm").asText();
            String detail = line.get("backend_detail").asText();
            // The peak ran on the GEMM the step's products used: the bf16 GEMM for bf16, the float32 one for fp32.
            String used = precision.equals("bf16") ? detail.substring(detail.indexOf(", bf16 GEMM ") + 12)
                    : detail.substring(detail.indexOf(", GEMM ") + 7, detail.indexOf(", bf16 GEMM "));
            assertTrue(gemm.startsWith("2048^3 on ") && gemm.endsWith(used) || used.startsWith("emulated"),
                    gemm + " / " + detail);
        }
    }

    @Test
    void theProfileChargesTheStepToItsKernels() throws Exception {
        CliRun run = CliRun.of("bench", "--d-model", "32", "--layers", "2", "--heads", "2", "--seq", "16", "--vocab",
                "512", "--batch", "2", "--steps", "2", "--precision", "bf16", "--profile", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode line = new ObjectMapper().readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        JsonNode profile = line.get("profile");
        assertEquals(2, profile.get("steps").asInt(), line::toString);
        // The roof for the element-wise kernels, measured in the same run, and each kernel's GB/s as a share of it.
        double stream = profile.get("stream_gbytes_per_s").asDouble();
        assertTrue(stream > 0 && profile.get("stream").asText().startsWith("cpu's residual add over 3 x "),
                profile::toString);
        for (JsonNode k : profile.get("kernels")) {
            if (!k.get("tensor_gbytes_per_s").isNull()) {
                assertEquals(k.get("tensor_gbytes_per_s").asDouble() / stream, k.get("share_of_stream").asDouble(),
                        2e-4 + 1e-3 * k.get("share_of_stream").asDouble(), k::toString);
            }
        }
        double sum = 0;
        double matmulCalls = 0;
        for (JsonNode k : profile.get("kernels")) {
            sum += k.get("seconds_per_step").asDouble();
            if (k.get("kernel").asText().startsWith("matmul.")) {
                matmulCalls += k.get("calls_per_step").asDouble();
                assertTrue(k.get("product_gflop_per_s").asDouble() > 0, k::toString);
            } else if (k.get("kernel").asText().startsWith("layer_norm.")) {
                assertTrue(k.get("product_gflop_per_s").isNull(), k::toString);
            }
            if (k.get("kernel").asText().equals("gelu.forward")) {
                // Two layers, 2 x 16 rows of the 128-wide hidden layer, read in float32 and written as bf16 storage.
                assertEquals(2 * 32 * 128 * (4 + 2), k.get("tensor_bytes_per_step").asLong(), k::toString);
            }
            assertTrue(k.get("tensor_gbytes_per_s").asDouble() > 0 || k.get("seconds_per_step").asDouble() == 0,
                    k::toString);
        }
        // Forward and backward of four linear layers per block and the LM head.
        assertEquals(2 * (4 * 2 + 1), matmulCalls, 1e-9, line::toString);
        // Rounded to 1e-4 s each.
        assertEquals(profile.get("kernel_seconds_per_step").asDouble(), sum, 1e-4 * 20, line::toString);
        assertEquals(profile.get("mean_step_seconds").asDouble(), profile.get("kernel_seconds_per_step").asDouble()
                + profile.get("outside_kernels_seconds_per_step").asDouble(), 2e-4, line::toString);
    }

    @Test
    void warmUpStepsAreAskedForAndReported() throws Exception {
        CliRun run = CliRun.of("bench", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--vocab",
                "512", "--batch", "2", "--steps", "1", "--warmup", "3", "--peak-size", "0", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode line = new ObjectMapper().readTree(run.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertEquals(3, line.get("warmup_steps").asInt(), line::toString);

        CliRun none = CliRun.of("bench", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--vocab",
                "512", "--batch", "2", "--steps", "1", "--warmup", "0");
        assertEquals(2, none.exitCode(), none.err());
        assertTrue(none.err().contains("--warmup must be at least 1 (found 0)"), none.err());
    }

    @Test
    void peakSizeSetsTheCpuPeakAndZeroMeasuresNone() throws Exception {
        // The cpu backend ignored --peak-size: always a 2048^3 peak, 0 included.
        String[] step = {"bench", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--vocab", "512",
                "--batch", "2", "--steps", "1", "--json", "--peak-size"};
        CliRun none = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(step), java.util.stream.Stream
                .of("0")).toArray(String[]::new));
        assertEquals(0, none.exitCode(), none.err());
        JsonNode line = new ObjectMapper().readTree(none.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(line.get("peak_gemm_flops_per_s").isNull(), line::toString);
        assertTrue(line.get("share_of_peak").isNull(), line::toString);

        CliRun small = CliRun.of(java.util.stream.Stream.concat(java.util.Arrays.stream(step), java.util.stream.Stream
                .of("256")).toArray(String[]::new));
        assertEquals(0, small.exitCode(), small.err());
        line = new ObjectMapper().readTree(small.out().strip().lines().reduce((a, b) -> b).orElseThrow());
        assertTrue(line.get("peak_gemm").asText().startsWith("256^3 on "), line::toString);
        assertTrue(line.get("peak_gemm_flops_per_s").asDouble() > 0, line::toString);
    }

    @Test
    void theTextNamesThePeakAndTheShare() throws Exception {
        CliRun run = CliRun.of("bench", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--vocab",
                "512", "--batch", "2", "--steps", "1");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("GEMM peak ") && run.out().contains("% of it")
                && run.out().contains("the step's own products at "), run.out());
    }

    @Test
    void theGemmComparisonTakesAShapeOfThreeSizes() throws Exception {
        CliRun run = CliRun.of("bench", "--gemm", "3x40x24", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode first = new ObjectMapper().readTree(run.out().lines().findFirst().orElseThrow());
        assertEquals(3, first.get("m").asInt(), first::toString);
        assertEquals(40, first.get("n").asInt(), first::toString);
        assertEquals(24, first.get("k").asInt(), first::toString);
        for (String bad : new String[] {"3x40", "0x40x24", "3x40xk"}) {
            CliRun refused = CliRun.of("bench", "--gemm", bad);
            assertEquals(2, refused.exitCode(), bad + ": " + refused.err());
            assertTrue(refused.err().contains("--gemm") && refused.err().contains(bad)
                    && !refused.err().contains("Exception"), refused.err());
        }
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

    /** Step flags given with --gemm are refused (they were ignored), and so is a negative or oversized --peak-size. */
    @Test
    void flagsThatWouldBeIgnoredOrCannotRunAreRefused() {
        CliRun gemm = CliRun.of("bench", "--gemm", "64", "--steps", "5", "--profile", "--json");
        assertEquals(2, gemm.exitCode(), gemm.err());
        assertEquals("wafer: --gemm times the Vector-API and scalar GEMMs only; --steps, --profile do not apply to it"
                + " (leave them out, or drop --gemm to time training steps)", gemm.err().strip());
        CliRun negative = CliRun.of("bench", "--peak-size", "-1", "--steps", "1");
        assertEquals(2, negative.exitCode(), negative.err());
        assertEquals("wafer: --peak-size must be 0 (no peak) or positive, found -1", negative.err().strip());
        CliRun huge = CliRun.of("bench", "--peak-size", "50000", "--steps", "1");
        assertEquals(2, huge.exitCode(), huge.err());
        assertTrue(huge.err().startsWith("wafer: --peak-size 50000: its 50000 x 50000 matrices are more than one"
                + " tensor holds"), huge.err());
    }
}
