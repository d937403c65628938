package dev.wafer.gpucheck;

import static dev.wafer.gpucheck.GpuCheckBundleTest.phase;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU run rehearsed without a GPU: the assembled bundle runs every phase for real (tests in their child JVM, the
 * benches and training on the CPU backend at tiny shapes, PyTorch or its labelled stand-in) and leaves a complete
 * report.
 */
class RehearsalTest {

    /** Every phase of a GPU run, in its order, as the rehearsal names them. */
    static final List<String> PHASES = List.of("device", "tests fast",
            "bench rehearsal seq32 batch2 fp32 (cpu)", "bench rehearsal seq64 batch2 fp32 (cpu)",
            "pytorch eager rehearsal seq32 batch2 fp32 (cpu)", "pytorch eager rehearsal seq64 batch2 fp32 (cpu)",
            "pytorch eager rehearsal seq32 batch2 bf16 (cpu)", "pytorch eager rehearsal seq64 batch2 bf16 (cpu)",
            "bench rehearsal seq32 batch2 bf16 (cpu)", "bench rehearsal seq64 batch2 bf16 (cpu)",
            "train cpu 20 steps", "train cpu reference 20 steps", "train cpu stop-at 10", "train cpu resume",
            "pytorch compile rehearsal seq64 batch2 fp32 (cpu)", "pytorch compile rehearsal seq64 batch2 bf16 (cpu)",
            "bench rehearsal seq64 batch2 bf16 (cpu) profiled", "bench rehearsal seq64 batch2 fp32 (cpu) profiled",
            // The fast kernels passed their suites, so the baseline kernels' wait until the figures are in.
            "tests baseline");

    @Test
    void everyPhaseRunsAndTheReportIsComplete(@TempDir Path tmp) throws Exception {
        BundleLauncher launcher = BundleLauncher.shared();
        Path report = tmp.resolve("out/gpu-check.json");
        BundleLauncher.Result result = launcher.run("--rehearse", "--report", report.toString());

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("gpu-check rehearse: PASS"), result.output());
        JsonNode json = new ObjectMapper().readTree(Files.readString(report)); // strict: no NaN may reach the file
        String text = json.toPrettyString();
        assertEquals("complete", json.path("status").asText(), text);
        assertTrue(json.path("ok").asBoolean(), text);
        assertEquals(420, json.path("deadline_seconds").asInt(), text);
        assertEquals("0", json.path("environment").path("NVIDIA_TF32_OVERRIDE").asText(), text);
        assertTrue(json.path("work_dir").asText().startsWith(launcher.tmpdir().toString()), text);
        assertFalse(Files.exists(Path.of(json.path("work_dir").asText())), "scratch folder left behind");

        List<String> names = new ArrayList<>();
        json.path("phases").forEach(p -> names.add(p.path("name").asText()));
        assertEquals(PHASES, names, text);
        for (JsonNode p : json.path("phases")) {
            assertTrue(Set.of("ok", "passed").contains(p.path("status").asText()), p.toPrettyString());
            assertTrue(p.path("seconds").isNumber(), p.toPrettyString());
        }

        JsonNode device = json.path("device");
        assertTrue(device.path("cuda_available").isBoolean(), text);
        for (String smi : List.of("nvidia_smi", "nvidia_smi_after_benches")) { // recorded, run or not
            assertTrue(device.path(smi).path("ending").asText().matches("exit \\d+|not run: .+"), text);
        }
        for (String key : DeviceProbe.KEYS) {
            boolean absent = false;
            for (JsonNode a : device.path("absent_keys")) {
                absent |= a.asText().equals(key);
            }
            assertTrue(device.has(key) != absent, key + " must be either given or listed absent: " + device);
        }

        assertEquals("fast", phase(json, "tests fast").path("kernel_variant").asText());
        assertEquals("baseline", phase(json, "tests baseline").path("kernel_variant").asText());
        // The CUDA adapter's test jar runs from the bundle on the bundled runtime (the GPU ones skip here).
        assertTrue(json.path("java_home").asText().startsWith(launcher.tmpdir().toString()), text);
        for (String suite : List.of("tests fast", "tests baseline")) {
            assertEquals("passed", phase(json, suite).path("status").asText(), text);
            assertEquals(0, phase(json, suite).path("failed").asInt(), text);
        }
        assertTrue(phase(json, "tests fast").path("passed").asInt() > 0, "no CUDA test ran from the bundle: " + text);
        // The classes the kernel choice rests on run first (DeviceSuitesFirst), before the deviceless checks.
        List<String> classes = new ArrayList<>();
        phase(json, "tests fast").path("results").forEach(r -> {
            String test = r.path("test").asText();
            String name = test.substring(0, Math.max(0, test.indexOf(" > ")));
            if (classes.isEmpty() || !classes.getLast().equals(name)) {
                classes.add(name);
            }
        });
        assertEquals(DeviceSuitesFirst.FIRST, classes.subList(0, 2), "class order: " + classes);
        assertEquals(classes.size(), classes.stream().distinct().count(), "a class ran in pieces: " + classes);
        assertEquals("fast", json.path("bench_kernel_variant").asText());
        assertTrue(json.path("bench_kernel_variant_reason").asText().endsWith("the baseline kernels' suites run at the"
                + " end, when time is left, or at once if a bench fails on these"), text);
        JsonNode bf16 = phase(json, "bench rehearsal seq64 batch2 bf16 (cpu)");
        assertEquals("fast", bf16.path("kernel_variant").asText());
        assertEquals("bf16", bf16.path("wafer").path("precision").asText(), bf16.toPrettyString());
        assertEquals(1, bf16.path("wafer").path("warmup_steps").asInt(), bf16.toPrettyString());
        assertTrue(json.path("bf16_peak_source").asText().startsWith("no GPU named"), text);
        JsonNode profiled = phase(json, "bench rehearsal seq64 batch2 bf16 (cpu) profiled").path("wafer");
        assertEquals("bf16", profiled.path("precision").asText(), "the utilisation goal's shape is profiled");
        List<String> kernels = new ArrayList<>();
        profiled.path("profile").path("kernels").forEach(k -> kernels.add(k.path("kernel").asText()));
        assertTrue(kernels.contains("matmul.forward") && kernels.contains("adamw.update"), profiled.toPrettyString());
        assertEquals("fp32", phase(json, "bench rehearsal seq64 batch2 fp32 (cpu) profiled").path("wafer")
                .path("precision").asText(), "the fp32 goal's shape is profiled too");

        for (String name : PHASES.stream().filter(n -> n.startsWith("pytorch")).toList()) {
            JsonNode torch = phase(json, name);
            assertTrue(torch.path("torch").path("tokens_per_s").asDouble() > 0, torch.toPrettyString());
            assertEquals(name.contains("compile") ? 2 : 1, torch.path("torch").path("warmup_steps").asInt(),
                    "the rehearsal's one warm-up step (two under torch.compile): " + torch.toPrettyString());
            if (torch.path("stand_in").asBoolean()) {
                // A stand-in's figures must say so, in the phase and in its own line.
                assertTrue(torch.path("stand_in_reason").asText().contains("not PyTorch's"), torch.toPrettyString());
                assertTrue(torch.path("torch").path("stand_in").asBoolean(), torch.toPrettyString());
            } else {
                assertFalse(torch.path("torch").path("torch").isNull(), torch.toPrettyString());
            }
        }
        assertEquals("compile", phase(json, "pytorch compile rehearsal seq64 batch2 bf16 (cpu)").path("torch")
                .path("mode").asText());

        // The goals at the longest shape of each precision; PyTorch's figures decide whether they are measured.
        JsonNode fp32Goal = null;
        for (JsonNode g : json.path("goals")) {
            if (g.path("goal").asText().equals("Wafer fp32 tokens/s at least pytorch eager's")) {
                fp32Goal = g;
            }
        }
        assertTrue(fp32Goal != null, text);
        assertEquals("rehearsal seq64 batch2 fp32 (cpu)", fp32Goal.path("case").asText(), text);
        boolean standIn = phase(json, "pytorch eager rehearsal seq64 batch2 fp32 (cpu)").path("stand_in").asBoolean();
        assertEquals(standIn, fp32Goal.path("met").isNull(), fp32Goal.toPrettyString());
        String summary = json.path("summary").asText();
        assertTrue(summary.contains("| goals: bf16 vs eager ") && summary.contains(", fp32 vs eager "), summary);

        JsonNode training = json.path("training");
        assertTrue(training.path("device_vs_cpu_within_tolerance").asBoolean(), training.toPrettyString());
        assertTrue(training.path("resume_exact").asBoolean(), training.toPrettyString());
        assertTrue(training.path("device_validation_loss").asDouble() > 0, training.toPrettyString());
        assertTrue(json.path("summary").asText().startsWith("gpu-check rehearse: PASS"), text);

        // The Markdown page beside the report, made from the same final report: every phase, every bench's figure.
        String page = Files.readString(tmp.resolve("out/gpu-check.md"));
        assertTrue(page.startsWith("# GPU check (rehearse): PASS"), page);
        assertEquals(ReportPage.render(json), page);
        for (String name : PHASES) {
            assertTrue(page.contains("| " + name + " | "), name + " not in\n" + page);
        }
        JsonNode bench = phase(json, "bench rehearsal seq64 batch2 fp32 (cpu)");
        String tokens = String.format(java.util.Locale.ROOT, "%,.1f", bench.path("wafer").path("tokens_per_s")
                .asDouble());
        assertTrue(page.contains("| rehearsal seq64 batch2 fp32 (cpu) | " + bench.path("kernel_variant").asText()
                + " | ok | " + tokens + " |"), page);
    }
}
