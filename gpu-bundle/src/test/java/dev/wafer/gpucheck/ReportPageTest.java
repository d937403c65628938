package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Markdown page shows the report's own figures, the ratios computed from them, and what did not run and why. */
class ReportPageTest {

    private static ObjectNode gpuReport() {
        ObjectNode r = Json.object();
        r.put("mode", "gpu").put("status", "complete").put("ok", false).put("started_at", "2026-12-08T10:00:00Z");
        r.putObject("device").put("gpu", "NVIDIA H200").put("compute_capability", "9.0").put("sm_count", "132")
                .put("total_memory_bytes", String.valueOf(150_102_016_000L)).put("driver", "13.0")
                .put("nvrtc", "13.0 (libnvrtc.so.13)").put("cublas", "13.1.0 (libcublas.so.13)");
        r.put("bench_kernel_variant", "fast").put("bf16_peak_tflops", 989.4).put("bf16_peak_known", true);
        r.put("deadline_seconds", 540).put("seconds", 512.25)
                .put("command", "gpu-check --deadline 540 --report /out/gpu-check.json");
        ArrayNode phases = r.putArray("phases");
        ObjectNode fp32 = phases.addObject().put("name", "bench 111M seq2048 batch8 fp32").put("group", "bench")
                .put("status", "ok").put("case", "111M seq2048 batch8 fp32").put("kernel_variant", "fast")
                .put("seconds", 41.5).put("budget_seconds", 120);
        fp32.putObject("wafer").put("tokens_per_s", 123456.7).put("step_seconds", 0.1327)
                .put("peak_gemm_flops_per_s", 5.0e13).put("share_of_peak", 0.4321);
        phases.addObject().put("name", "pytorch eager 111M seq2048 batch8 fp32").put("group", "pytorch")
                .put("status", "ok").put("stand_in", false).putObject("torch").put("tokens_per_s", 100000.0);
        phases.addObject().put("name", "bench 111M seq2048 batch8 bf16").put("group", "bench")
                .put("status", "failed").put("case", "111M seq2048 batch8 bf16").put("kernel_variant", "fast");
        phases.addObject().put("name", "pytorch eager 111M seq2048 batch8 bf16").put("group", "pytorch")
                .put("status", "timed out");
        ObjectNode tests = phases.addObject().put("name", "tests fast").put("group", "tests").put("status", "failed")
                .put("kernel_variant", "fast").put("passed", 40).put("failed", 1).put("skipped", 2);
        ArrayNode results = tests.putArray("results");
        results.addObject().put("test", "A > passes()").put("status", "passed").put("detail", "");
        results.addObject().put("test", "A > fails()").put("status", "failed")
                .put("detail", "AssertionFailedError: x".repeat(40));
        ArrayNode goals = r.putArray("goals");
        goals.addObject().put("goal", "Wafer fp32 tokens/s at least pytorch eager's").put("case", "111M fp32")
                .put("wafer_tokens_per_s", 123456.7).put("reference_tokens_per_s", 100000.0).put("ratio", 1.234567)
                .put("met", true);
        goals.addObject().put("goal", "bf16 model-FLOP utilisation at least 40%").put("case", "111M bf16")
                .put("fraction", 0.3512).put("target_fraction", 0.4).put("bf16_peak_tflops", 989.4).put("met", false);
        goals.addObject().put("goal", "Wafer bf16 tokens/s at least pytorch eager's").put("case", "111M bf16")
                .putNull("met").put("unmeasured", "pytorch eager timed out");
        goals.addObject().put("goal", "bias epilogue | kernels").put("case", "111M bf16")
                .put("epilogue_tokens_per_s", 1000.0).put("kernels_tokens_per_s", 1100.0).put("ratio", 0.9090909)
                .put("faster", "kernels");
        r.putArray("problems").add("tests fast failed (1 failed)");
        r.putArray("notes");
        return r;
    }

    private static List<String> lines(String page) {
        return Arrays.asList(page.split("\n"));
    }

    private static String lineWith(String page, String start) {
        return lines(page).stream().filter(l -> l.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + start + "' in\n" + page));
    }

    @Test
    void benchRowsCarryTheReportsFiguresAndTheRatiosToTheirAnchors() {
        String page = ReportPage.render(gpuReport());
        assertTrue(page.startsWith("# GPU check (gpu): FAIL, 2026-12-08T10:00:00Z"), page);
        assertFalse(page.contains("Not a GPU run"), page);
        assertTrue(page.contains("| GPU | NVIDIA H200 (compute capability 9.0, 132 SMs, 139.8 GiB) |"), page);
        assertTrue(page.contains("| run as | `gpu-check --deadline 540 --report /out/gpu-check.json` |"), page);
        // 123456.7 / 100000 = 1.23x; 5e13 FLOP/s = 50.0 TFLOP/s; no compile phase at all.
        assertEquals("| 111M seq2048 batch8 fp32 | fast | ok | 123,456.7 | 0.1327 | 50.0 | 43.2% | — | 100,000.0 | 1.23x"
                + " | not run | — |", lineWith(page, "| 111M seq2048 batch8 fp32 |"));
        // A failed bench shows no figures, and its anchor says why it has none.
        assertEquals("| 111M seq2048 batch8 bf16 | fast | failed | — | — | — | — | — | timed out | — | not run | — |",
                lineWith(page, "| 111M seq2048 batch8 bf16 |"));
    }

    @Test
    void goalsSayMetNotMetUnmeasuredOrWhichIsFaster() {
        String page = ReportPage.render(gpuReport());
        assertTrue(lineWith(page, "| Wafer fp32 tokens/s").endsWith(
                "| wafer 123,456.7 tokens/s; reference 100,000.0 tokens/s | 1.23x | met |"), page);
        assertTrue(lineWith(page, "| bf16 model-FLOP").endsWith(
                "| 35.1% of 989.4 TFLOP/s (goal 40.0%) | — | **not met** |"), page);
        assertTrue(lineWith(page, "| Wafer bf16 tokens/s").endsWith("| unmeasured: pytorch eager timed out |"), page);
        // A '|' inside a cell is escaped, so the table keeps its columns.
        assertTrue(lineWith(page, "| bias epilogue \\| kernels |").endsWith("| 0.91x | faster: kernels |"), page);
    }

    @Test
    void failedTestsAreListedWithTheirDetailCut() {
        String page = ReportPage.render(gpuReport());
        assertEquals("| tests fast | fast | failed | 40 | 1 | 2 | — |", lineWith(page, "| tests fast |"));
        String failure = lineWith(page, "- tests fast: A > fails() failed: ");
        assertEquals("- tests fast: A > fails() failed: ".length() + ReportPage.DETAIL_CHARACTERS, failure.length());
        assertFalse(page.contains("A > passes()"), page);
        assertTrue(page.contains("- tests fast failed (1 failed)"), page);
    }

    @Test
    void aProfileListsTheSlowestKernelsFirstUpToItsRows() {
        ObjectNode r = gpuReport();
        ObjectNode bench = ((ArrayNode) r.path("phases")).addObject().put("name", "bench 111M bf16 profiled")
                .put("group", "bench").put("status", "ok").put("case", "111M bf16 profiled");
        ObjectNode profile = bench.putObject("wafer").put("tokens_per_s", 1.0).putObject("profile")
                .put("mean_step_seconds", 0.05).put("steps", 2);
        ArrayNode kernels = profile.putArray("kernels");
        int count = ReportPage.PROFILE_ROWS + 3;
        for (int i = 0; i < count; i++) { // ascending, so the page must reorder them
            kernels.addObject().put("kernel", "k" + i).put("seconds_per_step", 0.001 * (i + 1))
                    .put("share_of_step", 0.01 * (i + 1)).put("calls_per_step", 3.0);
        }
        String page = ReportPage.render(r);
        List<String> rows = lines(page).stream().filter(l -> l.matches("\\| k[0-9]+ \\|.*")).toList();
        assertEquals(ReportPage.PROFILE_ROWS, rows.size(), page);
        assertTrue(rows.get(0).startsWith("| k" + (count - 1) + " | 0.01500 | 15.0% | 3 |"), rows.get(0));
        assertTrue(rows.get(rows.size() - 1).startsWith("| k3 |"), rows.toString());
        assertTrue(page.contains("3 faster kernels are in the JSON report."), page);
    }

    @Test
    void anInterruptedRehearsalSaysSoAndShowsWhatItHas() {
        ObjectNode r = Json.object().put("mode", "rehearse").put("status", "interrupted");
        r.putArray("phases").addObject().put("name", "device").put("group", "device").put("status", "ok")
                .put("seconds", 2.5);
        String page = ReportPage.render(r);
        assertTrue(page.startsWith("# GPU check (rehearse): INTERRUPTED, start unknown"), page);
        assertTrue(page.contains("**Not a GPU run**"), page);
        assertTrue(page.contains("| device | ok | 2.5 | — |"), page);
        assertFalse(page.contains("## Benches"), page);
    }
}
