package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The speed goals read off a report: ratios at the longest shape, the utilisation, and what is unmeasured. */
class GoalsTest {

    private static final String FP32_LONG = "111M seq2048 batch8 fp32";
    private static final String BF16_LONG = "111M seq2048 batch8 bf16";

    private final ObjectNode report = Json.object().put("bf16_peak_tflops", 989.4).put("bf16_peak_source", "H200")
            .put("bf16_peak_known", true);
    private final ArrayNode phases = report.putArray("phases");

    private ObjectNode bench(String label, String precision, int seq, int batch, double tokens, String status) {
        ObjectNode p = phases.addObject().put("name", "bench " + label).put("group", "bench").put("status", status)
                .put("case", label).put("precision", precision).put("seq", seq).put("batch", batch)
                .put("kernel_variant", "fast");
        p.putObject("wafer").put("tokens_per_s", tokens);
        return p;
    }

    private void torch(String anchor, String label, double tokens, boolean standIn, String status) {
        ObjectNode p = phases.addObject().put("name", anchor + " " + label).put("group", "pytorch")
                .put("status", status).put("case", label).put("stand_in", standIn);
        p.putObject("torch").put("tokens_per_s", tokens);
    }

    private static JsonNode goal(ArrayNode goals, String startsWith) {
        for (JsonNode g : goals) {
            if (g.path("goal").asText().startsWith(startsWith)) {
                return g;
            }
        }
        throw new AssertionError("no goal '" + startsWith + "' in " + goals.toPrettyString());
    }

    /** A whole GPU run: every goal measured at the seq 2048 shapes, not at seq 512. */
    @Test
    void aWholeRunMeasuresEveryGoalAtTheLongestShapes() {
        bench("111M seq512 batch4 fp32", "fp32", 512, 4, 900_000, "ok");
        bench(FP32_LONG, "fp32", 2048, 8, 50_000, "ok");
        torch("pytorch eager", "111M seq512 batch4 fp32", 1_000_000, false, "ok");
        torch("pytorch eager", FP32_LONG, 40_000, false, "ok");
        bench("111M seq512 batch4 bf16", "bf16", 512, 4, 2_000_000, "ok");
        bench(BF16_LONG, "bf16", 2048, 8, 400_000, "ok").put("fraction_of_bf16_peak", 0.38);
        torch("pytorch eager", BF16_LONG, 500_000, false, "ok");
        torch("pytorch compile", BF16_LONG, 640_000, false, "ok");
        torch("pytorch compile", FP32_LONG, 45_000, false, "timed out");
        bench(FP32_LONG + BenchCase.UNFUSED, "fp32", 2048, 8, 55_000, "ok");
        bench(BF16_LONG + BenchCase.PROFILED, "bf16", 2048, 8, 90_000, "ok"); // serialised by its waits: not compared
        bench(BF16_LONG + BenchCase.BIAS_KERNELS, "bf16", 2048, 8, 380_000, "ok"); // not taken for the plain bench

        List<String> said = new ArrayList<>();
        ArrayNode goals = Goals.of(report, said);

        JsonNode fp32 = goal(goals, "Wafer fp32 tokens/s at least pytorch eager");
        assertEquals(FP32_LONG, fp32.path("case").asText());
        assertEquals(1.25, fp32.path("ratio").asDouble(), 1e-12);
        assertTrue(fp32.path("met").asBoolean(), fp32.toPrettyString());
        JsonNode bf16 = goal(goals, "Wafer bf16 tokens/s at least pytorch eager");
        assertEquals(0.8, bf16.path("ratio").asDouble(), 1e-12);
        assertEquals(false, bf16.path("met").asBoolean(true), bf16.toPrettyString());
        JsonNode mfu = goal(goals, "bf16 model-FLOP utilisation");
        assertEquals(0.38, mfu.path("fraction").asDouble(), 1e-12);
        assertEquals(false, mfu.path("met").asBoolean(true));
        assertEquals(0.625, goal(goals, "Wafer bf16 tokens/s against pytorch compile").path("ratio").asDouble(),
                1e-12);
        JsonNode compileFp32 = goal(goals, "Wafer fp32 tokens/s against pytorch compile");
        assertTrue(compileFp32.path("met").isNull() && compileFp32.path("unmeasured").asText().contains("timed out"),
                compileFp32.toPrettyString());
        JsonNode attention = goal(goals, "the fp32 fused attention");
        assertEquals("unfused", attention.path("faster").asText(), attention.toPrettyString());
        assertEquals(50_000.0 / 55_000, attention.path("ratio").asDouble(), 1e-12);
        JsonNode epilogue = goal(goals, "the bf16 bias epilogue");
        assertEquals("epilogue", epilogue.path("faster").asText(), epilogue.toPrettyString());
        assertEquals(400_000.0 / 380_000, epilogue.path("ratio").asDouble(), 1e-12);
        assertEquals(List.of("bf16 vs eager 0.80x (NOT met)", "bf16 utilisation 38.0% (NOT met)",
                "bf16 bias epilogue/kernels 1.05x", "fp32 vs eager 1.25x (met)", "fp32 fused/unfused attention 0.91x"),
                said);
    }

    /** A GPU whose bf16 peak is not in the table (and not given) has no utilisation verdict. */
    @Test
    void theUtilisationOfAGpuOfUnknownPeakIsUnmeasured() {
        report.put("bf16_peak_known", false).put("bf16_peak_source", "'NVIDIA L40S' is not in the table");
        bench(BF16_LONG, "bf16", 2048, 8, 400_000, "ok").put("fraction_of_bf16_peak", 0.45);
        List<String> said = new ArrayList<>();
        JsonNode mfu = goal(Goals.of(report, said), "bf16 model-FLOP utilisation");
        assertTrue(mfu.path("met").isNull(), mfu.toPrettyString());
        assertTrue(mfu.path("unmeasured").asText().contains("'NVIDIA L40S' is not in the table"), mfu.toString());
        assertEquals(0.45, mfu.path("fraction_of_fallback_peak").asDouble(), 1e-12);
        assertTrue(said.contains("bf16 utilisation unmeasured"), said.toString());
    }

    /** Missing, failed or stand-in figures leave a goal unmeasured: never met, never failed. */
    @Test
    void aGoalWithoutRealFiguresIsUnmeasured() {
        bench(FP32_LONG, "fp32", 2048, 8, 50_000, "ok");
        torch("pytorch eager", FP32_LONG, 40_000, true, "ok");
        bench(BF16_LONG, "bf16", 2048, 8, 400_000, "failed");
        List<String> said = new ArrayList<>();
        ArrayNode goals = Goals.of(report, said);
        JsonNode fp32 = goal(goals, "Wafer fp32 tokens/s at least pytorch eager");
        assertTrue(fp32.path("met").isNull(), fp32.toPrettyString());
        assertEquals("the PyTorch figures are a stand-in's", fp32.path("unmeasured").asText());
        assertTrue(goals.toString().indexOf("bf16") < 0, "a failed bf16 bench measures nothing: " + goals);
        assertEquals(List.of("fp32 vs eager unmeasured"), said);
    }

    /** A fast bench that failed and its baseline retry: the retry's figures are the ones measured. */
    @Test
    void theBaselineRetryOfAFailedBenchIsTheOneCompared() {
        bench(FP32_LONG, "fp32", 2048, 8, 0, "failed");
        bench(FP32_LONG, "fp32", 2048, 8, 30_000, "ok").put("name", "bench " + FP32_LONG + " (baseline kernels)")
                .put("kernel_variant", "baseline");
        torch("pytorch eager", FP32_LONG, 40_000, false, "ok");
        JsonNode fp32 = goal(Goals.of(report, new ArrayList<>()), "Wafer fp32 tokens/s at least pytorch eager");
        assertEquals("baseline", fp32.path("kernel_variant").asText());
        assertEquals(0.75, fp32.path("ratio").asDouble(), 1e-12);
    }

    /**
     * The reruns vary one thing of the kernels the plain bench ran on: against a baseline retry (the fast kernels
     * failed the shape) neither comparison is computed, and each says why.
     */
    @Test
    void aRerunIsNotComparedWithABaselineRetry() {
        bench(FP32_LONG, "fp32", 2048, 8, 0, "failed");
        bench(FP32_LONG, "fp32", 2048, 8, 30_000, "ok").put("name", "bench " + FP32_LONG + " (baseline kernels)")
                .put("kernel_variant", "baseline");
        bench(FP32_LONG + BenchCase.UNFUSED, "fp32", 2048, 8, 55_000, "ok").put("kernel_variant", "fast-unfused");
        bench(FP32_LONG + BenchCase.BIAS_KERNELS, "fp32", 2048, 8, 52_000, "ok");
        List<String> said = new ArrayList<>();
        ArrayNode goals = Goals.of(report, said);
        JsonNode attention = goal(goals, "the fp32 fused attention");
        assertTrue(attention.path("ratio").isMissingNode(), attention.toPrettyString());
        assertEquals("the plain bench ran on the baseline kernels, not the fast ones this rerun varies",
                attention.path("unmeasured").asText(), attention.toPrettyString());
        JsonNode epilogue = goal(goals, "the fp32 bias epilogue");
        assertTrue(epilogue.path("ratio").isMissingNode(), epilogue.toPrettyString());
        assertTrue(said.containsAll(List.of("fp32 fused/unfused attention unmeasured",
                "fp32 bias epilogue/kernels unmeasured")), said.toString());
    }

    /** Tests skipped and the benches run on fast-unfused: its bias-kernels rerun (same kernels) is compared. */
    @Test
    void theBiasRerunOnTheSameKernelsIsCompared() {
        bench(BF16_LONG, "bf16", 2048, 8, 400_000, "ok").put("kernel_variant", "fast-unfused");
        bench(BF16_LONG + BenchCase.BIAS_KERNELS, "bf16", 2048, 8, 500_000, "ok").put("kernel_variant", "fast-unfused");
        JsonNode epilogue = goal(Goals.of(report, new ArrayList<>()), "the bf16 bias epilogue");
        assertEquals("kernels", epilogue.path("faster").asText(), epilogue.toPrettyString());
        assertEquals(0.8, epilogue.path("ratio").asDouble(), 1e-12);
    }
}
