package dev.wafer.gpucheck;

import static dev.wafer.gpucheck.GpuCheckBundleTest.phase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fast kernel that passes its suites and fails at the shapes a run uses, the way a first GPU run could go, through
 * the whole bundle on the stand-in CUDA device: the stand-in driver fails the float32 fused attention's forward at
 * sequence lengths 32 and 64 only ({@code WAFER_STAND_IN_FAIL_LAUNCH}), which the kernel contract never uses (it tries
 * 70, 131, 40 and 5), and which both fp32 benches and the training runs (seq 32) use. The check must still get those
 * benches' figures and the training comparison from the baseline kernels, run their suites first (once), say the
 * fast kernels failed, keep the fast kernels for every other bench, and compare no rerun with a retry. PyTorch is left
 * out ({@code --skip}): {@link StandInRehearsalTest} runs it.
 */
class FailingBenchRehearsalTest {

    private static final String FAILING = "bench rehearsal seq64 batch2 fp32 (cuda)";
    private static final String FIRST = "bench rehearsal seq32 batch2 fp32 (cuda)";

    @Test
    void aBenchThatFailsOnTheFastKernelsGetsItsFiguresFromTheBaselineKernels(@TempDir Path tmp) throws Exception {
        Path libraries = BundleLauncher.standInCudaOrSkip();
        Path report = tmp.resolve("out/gpu-check.json");
        BundleLauncher.Result result = BundleLauncher.shared().run(Map.of("LD_LIBRARY_PATH", libraries.toString(),
                        "WAFER_STAND_IN_FAIL_LAUNCH", "flash_attention_f32_forward:3=32,flash_attention_f32_forward:3=64"),
                "--rehearse", "--skip", "pytorch", "--report", report.toString());

        // Two required benches and the training run failed on the fast kernels: the run fails, and says which and why.
        assertEquals(1, result.exitCode(), result.output());
        assertTrue(result.output().contains("FAIL (" + FIRST + " failed on the fast kernels: "), result.output());
        JsonNode json = new ObjectMapper().readTree(Files.readString(report));
        String text = json.toPrettyString();
        assertEquals("complete", json.path("status").asText(), text);
        assertEquals("fast", json.path("bench_kernel_variant").asText(), "the fast kernels passed their suites");
        List<String> problems = new ArrayList<>();
        json.path("problems").forEach(p -> problems.add(p.asText()));
        assertEquals(3, problems.size(), problems.toString());
        for (String problem : problems) {
            assertTrue(problem.contains("CUDA_ERROR_LAUNCH_FAILED") && problem.contains("flash_attention_f32_forward"),
                    "each problem names the error and the kernel: " + problems);
        }
        assertTrue(problems.get(2).startsWith("train cuda 20 steps failed: "), problems.toString());

        List<String> names = new ArrayList<>();
        json.path("phases").forEach(p -> names.add(p.path("name").asText()));
        // The baseline kernels' suites run the moment the first retry needs them, not at the end, and only once.
        int first = names.indexOf(FIRST);
        assertTrue(first > 0, text);
        assertEquals(List.of(FIRST, "tests baseline", FIRST + GpuCheck.RETRY, FAILING, FAILING + GpuCheck.RETRY),
                names.subList(first, first + 5), names.toString());
        assertEquals(1, names.stream().filter("tests baseline"::equals).count(), "the suites run once: " + names);
        JsonNode fast = phase(json, FAILING);
        assertEquals("fast", fast.path("kernel_variant").asText());
        assertTrue(fast.path("output_tail").asText().contains("fails as WAFER_STAND_IN_FAIL_LAUNCH asks"),
                "the child's own words are kept: " + fast.toPrettyString());
        assertEquals("passed", phase(json, "tests baseline").path("status").asText());
        for (String bench : List.of(FIRST, FAILING)) {
            JsonNode retry = phase(json, bench + GpuCheck.RETRY);
            assertEquals("ok", retry.path("status").asText(), retry.toPrettyString());
            assertEquals("baseline", retry.path("kernel_variant").asText());
            assertTrue(retry.path("wafer").path("tokens_per_s").asDouble() > 0, retry.toPrettyString());
        }

        // Training: the fast run failed, the comparison, the stop and the resume ran on the baseline kernels.
        assertEquals("failed", phase(json, "train cuda 20 steps").path("status").asText());
        for (String train : List.of("train cuda 20 steps" + GpuCheck.RETRY, "train cuda stop-at 10" + GpuCheck.RETRY,
                "train cuda resume" + GpuCheck.RETRY)) {
            assertEquals("ok", phase(json, train).path("status").asText(), train);
            assertEquals("baseline", phase(json, train).path("kernel_variant").asText(), train);
        }
        JsonNode training = json.path("training");
        assertTrue(training.path("device_vs_cpu_within_tolerance").asBoolean(), training.toPrettyString());
        assertTrue(training.path("resume_exact").asBoolean(), training.toPrettyString());

        // Every other bench ran on the fast kernels: the fault is at one shape, and nothing else was moved off them.
        for (String other : List.of("bench rehearsal seq32 batch2 bf16 (cuda)", "bench rehearsal seq64 batch2 bf16 (cuda)",
                "bench rehearsal seq64 batch2 bf16 (cuda) bias kernels")) {
            assertEquals("fast", phase(json, other).path("kernel_variant").asText(), other);
            assertEquals("ok", phase(json, other).path("status").asText(), other);
        }
        // The unfused rerun never launches the fused kernel; the profile launches it and is retried too.
        assertEquals("ok", phase(json, FAILING + BenchCase.UNFUSED).path("status").asText());
        assertEquals("baseline", phase(json, FAILING + BenchCase.PROFILED + GpuCheck.RETRY)
                .path("kernel_variant").asText());

        // The fp32 figures are the retry's; the fused/unfused comparison is not made with them.
        JsonNode goals = json.path("goals");
        JsonNode attention = null;
        for (JsonNode g : goals) {
            if (g.path("goal").asText().startsWith("the fp32 fused attention")) {
                attention = g;
            }
        }
        assertTrue(attention != null && attention.path("ratio").isMissingNode()
                && attention.path("unmeasured").asText().contains("baseline kernels"), goals.toPrettyString());
    }
}
