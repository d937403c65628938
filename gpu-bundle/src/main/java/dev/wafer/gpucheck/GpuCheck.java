package dev.wafer.gpucheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bundle's entry point: runs the CUDA tests, then the benches, writes the JSON report and prints one summary line.
 * Exit status 0 when no test failed and every required bench ran, 1 otherwise, 2 for a bad argument.
 */
public final class GpuCheck {

    /** Package whose test classes the bundle carries (the CUDA adapter's test jar). */
    static final String TEST_PACKAGE = "dev.wafer.adapters.cuda";
    /**
     * Dense bf16 tensor-core peak used for the fraction-of-peak figure: 989.4 TFLOP/s, NVIDIA's H100/H200 SXM figure
     * without sparsity; {@code WAFER_BF16_PEAK_TFLOPS} overrides it for other GPUs.
     */
    static final double DEFAULT_BF16_PEAK_TFLOPS = 989.4;
    private static final long BENCH_TIMEOUT_SECONDS = 300;

    private GpuCheck() {
    }

    /** {@code --mode gpu|cpu-part --report FILE --torch-script FILE}. */
    public static void main(String[] args) throws IOException {
        String mode = null;
        Path report = null;
        Path torchScript = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mode" -> mode = args[i + 1];
                case "--report" -> report = Path.of(args[i + 1]);
                case "--torch-script" -> torchScript = Path.of(args[i + 1]);
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (mode == null || !(mode.equals("gpu") || mode.equals("cpu-part")) || report == null
                || torchScript == null) {
            usage("expected --mode gpu|cpu-part --report FILE --torch-script FILE");
        }
        boolean gpu = mode.equals("gpu");
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = json.createObjectNode();
        out.put("mode", mode);
        out.put("java_home", System.getProperty("java.home"));
        out.put("java_version", Runtime.version().toString());

        List<TestOutcome> tests = TestRun.run(TEST_PACKAGE);
        long passed = count(tests, TestOutcome.Status.PASSED);
        long failed = count(tests, TestOutcome.Status.FAILED);
        long skipped = count(tests, TestOutcome.Status.SKIPPED);
        ObjectNode testNode = out.putObject("tests");
        testNode.put("package", TEST_PACKAGE);
        testNode.put("passed", passed);
        testNode.put("failed", failed);
        testNode.put("skipped", skipped);
        ArrayNode list = testNode.putArray("results");
        for (TestOutcome t : tests) {
            list.addObject().put("test", t.test()).put("status", t.status().name().toLowerCase(Locale.ROOT))
                    .put("detail", t.detail());
        }
        List<String> problems = new ArrayList<>();
        if (passed + failed + skipped == 0) {
            problems.add("no tests of " + TEST_PACKAGE + " on the class path");
        }
        if (failed > 0) {
            problems.add(failed + " tests failed");
        }

        ProcessRun backends = wafer(List.of("backends"));
        out.put("backends", backends.output().strip());
        List<String> benchSummary = new ArrayList<>();
        ArrayNode benches = out.putArray("bench");
        double peak = peakTflops() * 1e12;
        for (BenchCase c : gpu ? BenchCase.gpu() : BenchCase.cpuPart()) {
            ProcessRun run = wafer(c.waferArguments());
            ObjectNode node = benches.addObject().put("case", c.label());
            String line = run.lastJsonLine();
            if (run.exitCode() == 0 && !line.isEmpty()) {
                JsonNode result = json.readTree(line);
                node.set("wafer", result);
                double flops = result.path("model_flops_per_s").asDouble();
                if (gpu && c.precision().equals("bf16")) {
                    node.put("fraction_of_bf16_peak", flops / peak);
                }
                benchSummary.add(c.label() + " " + Math.round(result.path("tokens_per_s").asDouble()) + " tok/s");
            } else {
                node.put("wafer_exit_code", run.exitCode()).put("wafer_message", run.lastLine());
                benchSummary.add(c.label() + " " + (c.required() ? "FAILED" : "absent"));
                if (c.required()) {
                    problems.add("bench " + c.label() + " exited " + run.exitCode() + ": " + run.lastLine());
                }
            }
            if (gpu) {
                ProcessRun torch = torch(torchScript, c);
                String torchLine = torch.lastJsonLine();
                if (torch.exitCode() == 0 && !torchLine.isEmpty()) {
                    node.set("torch", json.readTree(torchLine));
                } else {
                    node.put("torch_message", torch.lastLine());
                }
            }
        }
        out.put("bf16_peak_tflops", peakTflops());
        out.put("ok", problems.isEmpty());
        ArrayNode problemNode = out.putArray("problems");
        problems.forEach(problemNode::add);
        Files.writeString(report, json.writeValueAsString(out));
        System.out.printf("gpu-check %s: %s | tests %d passed, %d failed, %d skipped | %s | report %s%n", mode,
                problems.isEmpty() ? "PASS" : "FAIL (" + String.join("; ", problems) + ")", passed, failed, skipped,
                String.join(", ", benchSummary), report.toAbsolutePath());
        System.exit(problems.isEmpty() ? 0 : 1);
    }

    private static long count(List<TestOutcome> tests, TestOutcome.Status status) {
        return tests.stream().filter(t -> t.status() == status).count();
    }

    private static double peakTflops() {
        String value = System.getenv("WAFER_BF16_PEAK_TFLOPS");
        if (value == null || value.isBlank()) {
            return DEFAULT_BF16_PEAK_TFLOPS;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            usage("WAFER_BF16_PEAK_TFLOPS must be a number of TFLOP/s, found '" + value + "'");
            return Double.NaN;
        }
    }

    /** {@code wafer <arguments>} in a child JVM of this runtime, so that one failure cannot end the whole check. */
    private static ProcessRun wafer(List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-Xss4m", "-XX:MaxRAMPercentage=75", "-cp", System.getProperty("java.class.path"),
                "dev.wafer.app.cli.WaferMain"));
        command.addAll(arguments);
        return ProcessRun.of(command, BENCH_TIMEOUT_SECONDS);
    }

    private static ProcessRun torch(Path script, BenchCase c) {
        List<String> command = new ArrayList<>(List.of("python3", script.toString()));
        command.addAll(c.torchArguments());
        return ProcessRun.of(command, BENCH_TIMEOUT_SECONDS);
    }

    private static void usage(String message) {
        System.err.println("gpu-check: " + message);
        System.exit(2);
    }
}
