package dev.wafer.gpucheck;

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
 * A second run on a lent GPU repeats only what the first left to check ({@code --skip}): the skipped groups' phases are
 * in the report, in their places, marked skipped and not run; the rest runs as in a whole check, on the kernels
 * {@code --kernels} names; the summary says what was skipped, and a skipped phase is no failure.
 */
class SkipGroupsTest {

    @Test
    void skippedGroupsAreRecordedNotRunAndTheRestRunsOnTheKernelsNamed(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("gpu-check.json");
        // An nvidia-smi on the PATH, as a GPU machine has: its lines land in the device section, twice.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        NvidiaSmiTest.fakeTool(bin, "echo \"    Power Limit : 700.00 W ($*)\"");
        BundleLauncher.Result result = BundleLauncher.shared().run(Map.of("PATH", bin + ":" + System.getenv("PATH")),
                "--rehearse", "--report", report.toString(), "--skip", "tests,pytorch,train", "--kernels",
                "fast-unfused");

        assertEquals(0, result.exitCode(), result.output());
        JsonNode json = new ObjectMapper().readTree(Files.readString(report));
        String text = json.toPrettyString();
        assertEquals("complete", json.path("status").asText(), text);
        List<String> names = new ArrayList<>();
        json.path("phases").forEach(p -> names.add(p.path("name").asText()));
        assertEquals(RehearsalTest.PHASES, names, "every phase in its place, run or not: " + text);
        int ran = 0;
        for (JsonNode p : json.path("phases")) {
            String group = p.path("group").asText();
            if (List.of("tests", "pytorch", "train").contains(group)) {
                assertEquals("skipped: --skip " + group, p.path("status").asText(), p.toPrettyString());
                assertTrue(p.path("seconds").isMissingNode(), "a skipped phase did not run: " + p.toPrettyString());
            } else {
                assertEquals("ok", p.path("status").asText(), p.toPrettyString());
                ran++;
            }
            if (group.equals("bench")) {
                assertEquals("fast-unfused", p.path("kernel_variant").asText(), p.toPrettyString());
                assertTrue(p.path("wafer").path("tokens_per_s").asDouble() > 0, p.toPrettyString());
            }
        }
        assertEquals(1 + 6, ran, "the device probe and the six benches run: " + text);
        List<String> skipped = new ArrayList<>();
        json.path("skipped_groups").forEach(g -> skipped.add(g.asText()));
        assertEquals(List.of("tests", "pytorch", "train"), skipped, text);
        assertEquals("fast-unfused", json.path("bench_kernel_variant").asText(), text);
        assertTrue(json.path("bench_kernel_variant_reason").asText().contains("--skip tests"), text);
        assertTrue(json.path("training").isMissingNode(), "no training ran: " + text);
        assertEquals("    Power Limit : 700.00 W (-q -d POWER,CLOCK,PERFORMANCE,ECC,COMPUTE)",
                json.path("device").path("nvidia_smi").path("lines").path(0).asText(), text);
        assertEquals("    Power Limit : 700.00 W (-q -d POWER,CLOCK,PERFORMANCE,TEMPERATURE)",
                json.path("device").path("nvidia_smi_after_benches").path("lines").path(0).asText(), text);
        assertTrue(json.path("summary").asText().startsWith(
                "gpu-check rehearse: PASS | no GPU named | skipped by --skip: tests, pytorch, train | "), text);
    }

    @Test
    void anUnknownGroupIsRefusedBeforeAnythingRuns(@TempDir Path tmp) throws Exception {
        Path report = tmp.resolve("gpu-check.json");
        BundleLauncher.Result result = BundleLauncher.shared().run("--rehearse", "--report", report.toString(),
                "--skip", "benches");
        assertEquals(2, result.exitCode(), result.output());
        assertEquals("gpu-check: --skip: expected a comma-separated list of tests, bench, pytorch, train, found"
                + " 'benches' in 'benches'", result.output().strip());
        assertTrue(Files.notExists(report), "a refused run wrote a report");
    }
}
