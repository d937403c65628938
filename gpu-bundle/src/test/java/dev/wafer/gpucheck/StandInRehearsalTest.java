package dev.wafer.gpucheck;

import static dev.wafer.gpucheck.GpuCheckBundleTest.phase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.adapters.cuda.CudaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU run rehearsed on the CUDA backend itself: the bundle's launcher with the stand-in {@code libcuda.so.1} and
 * {@code libcublas.so.12} on {@code LD_LIBRARY_PATH} (kernels run by the CUDA simulator, see
 * {@link CudaSimulator#standInLibraries()}). The device phase finds a CUDA device, the kernel contract runs on it on
 * both kernel variants with {@code WAFER_EXPECT_CUDA=1}, every bench runs {@code --backend cuda}, and training on
 * CUDA matches the CPU and resumes exactly: the code of a real GPU run, end to end, on a machine without one.
 */
class StandInRehearsalTest {
    @Test
    void theRehearsalRunsEveryPhaseOnTheStandInCudaDevice(@TempDir Path tmp) throws Exception {
        Path libraries = BundleLauncher.standInCudaOrSkip();
        BundleLauncher launcher = BundleLauncher.shared();
        Path report = tmp.resolve("out/gpu-check.json");
        BundleLauncher.Result result = launcher.run(Map.of("LD_LIBRARY_PATH", libraries.toString()), "--rehearse",
                "--report", report.toString());

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("gpu-check rehearse: PASS | Wafer stand-in GPU"), result.output());
        JsonNode json = new ObjectMapper().readTree(Files.readString(report));
        String text = json.toPrettyString();
        assertEquals("complete", json.path("status").asText(), text);
        JsonNode device = json.path("device");
        assertTrue(device.path("cuda_available").asBoolean(), text);
        assertEquals("9.0", device.path("compute_capability").asText(), text);

        List<String> names = new ArrayList<>();
        json.path("phases").forEach(p -> names.add(p.path("name").asText()));
        List<String> expected = new ArrayList<>(RehearsalTest.PHASES.stream().map(n -> n.replace("(cpu)", "(cuda)")
                .replace("train cpu 20", "train cuda 20").replace("train cpu stop-at", "train cuda stop-at")
                .replace("train cpu resume", "train cuda resume")).toList());
        // On CUDA with the fused attention, right after training: the longest fp32 and bf16 shapes once more without
        // it, then the longest bf16 shape with its biases added by kernels; torch.compile and the profiles after them.
        int compile = expected.indexOf("pytorch compile rehearsal seq64 batch2 fp32 (cuda)");
        expected.add(compile, "bench rehearsal seq64 batch2 bf16 (cuda) bias kernels");
        expected.add(compile, "bench rehearsal seq64 batch2 bf16 (cuda) unfused attention");
        expected.add(compile, "bench rehearsal seq64 batch2 fp32 (cuda) unfused attention");
        assertEquals(expected, names, text);
        JsonNode kernels = phase(json, "bench rehearsal seq64 batch2 bf16 (cuda) bias kernels");
        assertEquals("fast", kernels.path("kernel_variant").asText(), kernels.toPrettyString());
        assertTrue(kernels.path("wafer").path("backend_detail").asText()
                .endsWith("bias off (WAFER_CUDA_BIAS_EPILOGUE=0: kernels add the biases)"), kernels.toPrettyString());
        // The plain bench added every linear layer's bias in the epilogue: four shapes (QKV, projection, MLP in, out).
        assertTrue(phase(json, "bench rehearsal seq64 batch2 bf16 (cuda)").path("wafer").path("backend_detail")
                .asText().endsWith("bias cuBLASLt on 4 of 4 shapes"), "the plain bench used the epilogue: "
                + phase(json, "bench rehearsal seq64 batch2 bf16 (cuda)").path("wafer").path("backend_detail"));
        JsonNode unfused = phase(json, "bench rehearsal seq64 batch2 bf16 (cuda) unfused attention");
        assertEquals("fast-unfused", unfused.path("kernel_variant").asText(), unfused.toPrettyString());
        assertTrue(unfused.toString().contains("fast-unfused kernels"), "the backend says which ran: " + unfused);
        assertTrue(phase(json, "bench rehearsal seq64 batch2 bf16 (cuda)").toString().contains("fused attention"),
                "the fused bench says its storage: " + phase(json, "bench rehearsal seq64 batch2 bf16 (cuda)"));
        assertTrue(phase(json, "bench rehearsal seq64 batch2 fp32 (cuda)").toString().contains("fp32, fused attention"),
                "a float32 bench fuses its attention too: " + phase(json, "bench rehearsal seq64 batch2 fp32 (cuda)"));
        assertEquals("fast-unfused", phase(json, "bench rehearsal seq64 batch2 fp32 (cuda) unfused attention")
                .path("kernel_variant").asText());
        for (JsonNode p : json.path("phases")) {
            assertTrue(Set.of("ok", "passed").contains(p.path("status").asText()), p.toPrettyString());
        }
        for (String suite : List.of("tests fast", "tests baseline")) {
            JsonNode tests = phase(json, suite);
            assertTrue(tests.path("passed").asInt() >= 21, "the whole kernel contract ran: " + tests);
            // Nothing skipped for want of a GPU; the baseline kernels skip only what needs bf16 tensors or fused
            // attention, which they do not declare.
            for (JsonNode test : tests.path("results")) {
                if (test.path("status").asText().equals("skipped")) {
                    assertEquals("tests baseline", suite, "nothing skipped on the fast kernels: " + test);
                    assertTrue(test.path("detail").asText().contains("does not declare BF16_STORAGE")
                            || test.path("detail").asText().contains("does not declare FUSED_ATTENTION")
                            || test.path("detail").asText().contains("stores no bf16"), test.toString());
                }
            }
            if (suite.equals("tests fast")) {
                assertEquals(0, tests.path("skipped").asInt(), "nothing skipped on the fast kernels: " + tests);
            }
        }
        for (String bench : List.of("bench rehearsal seq32 batch2 fp32 (cuda)",
                "bench rehearsal seq64 batch2 bf16 (cuda)")) {
            JsonNode wafer = phase(json, bench).path("wafer");
            assertEquals("cuda", wafer.path("backend").asText(), wafer.toPrettyString());
            assertTrue(wafer.path("backend_detail").asText().contains("Wafer stand-in GPU"), wafer.toPrettyString());
        }
        JsonNode training = json.path("training");
        assertTrue(training.path("device_vs_cpu_within_tolerance").asBoolean(), training.toPrettyString());
        assertTrue(training.path("resume_exact").asBoolean(), training.toPrettyString());
        // The goals, read off these figures: on a CUDA device the utilisation and the fused/unfused comparison too.
        List<String> goals = new ArrayList<>();
        json.path("goals").forEach(g -> goals.add(g.path("goal").asText() + " @ " + g.path("case").asText()));
        assertTrue(goals.contains("bf16 model-FLOP utilisation at least 40% of the GPU's dense bf16 peak @ rehearsal"
                + " seq64 batch2 bf16 (cuda)"), text);
        assertTrue(goals.contains("the bf16 bias epilogue against the bias kernels (for information: the faster should"
                + " be the default, WAFER_CUDA_BIAS_EPILOGUE) @ rehearsal seq64 batch2 bf16 (cuda)"), goals.toString());
        for (String precision : List.of("bf16", "fp32")) {
            assertTrue(goals.contains("the " + precision + " fused attention against the unfused one (for"
                    + " information: the faster should be the default) @ rehearsal seq64 batch2 " + precision
                    + " (cuda)"), goals.toString());
        }
        assertTrue(json.path("summary").asText().contains("| goals: "), json.path("summary").asText());
    }
}
