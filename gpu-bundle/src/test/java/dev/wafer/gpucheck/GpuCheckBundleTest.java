package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle Maven assembled in this module's package phase: small enough to travel to a lent GPU machine, and
 * runnable there with nothing but its own runtime. The CPU part is run here with a PATH that holds no java at all.
 */
class GpuCheckBundleTest {

    /** What a lent GPU machine receives with the repository is 64 MiB; the bundle may use 48 of them. */
    private static final long MAX_BUNDLE_BYTES = 48L * 1024 * 1024;
    /** Commands the launcher uses; everything else (java above all) is absent from the PATH the test gives it. */
    private static final List<String> TOOLS = List.of("bash", "tar", "xz", "mkdir", "mktemp", "rm", "mv", "cut",
            "uname", "dirname", "sed", "grep", "cat");

    private final Path bundle = Path.of(System.getProperty("wafer.gpuBundle", "target/gpu-check"));

    @Test
    void bundleFitsTheTransferLimit() throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(bundle)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(Files.isExecutable(bundle.resolve("gpu-check")), "launcher missing in " + bundle);
        assertTrue(bytes > 10L * 1024 * 1024, "a bundle of " + bytes + " bytes cannot hold a Java runtime");
        assertTrue(bytes <= MAX_BUNDLE_BYTES, "bundle is " + bytes + " bytes, limit " + MAX_BUNDLE_BYTES);
    }

    @Test
    void cpuPartRunsOnTheBundledRuntimeWithoutAnyJavaOnThePath(@TempDir Path tmp) throws Exception {
        Path tools = toolsWithoutJava(tmp);
        Path home = tmp.resolve("unpacked");
        Path report = tmp.resolve("out/report.json");
        Result result = launch(tools, home, "--cpu-part", "--report", report.toString());

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("gpu-check cpu-part: PASS"), result.output());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertTrue(json.path("java_home").asText().startsWith(home.toString()),
                "ran on " + json.path("java_home").asText() + ", not the bundled runtime in " + home);
        assertEquals(0, json.path("tests").path("failed").asInt(), json.toPrettyString());
        assertTrue(json.path("tests").path("passed").asInt() + json.path("tests").path("skipped").asInt() > 0,
                "no CUDA tests ran from the bundle: " + json.toPrettyString());
        JsonNode bench = json.path("bench").get(0).path("wafer");
        assertEquals("cpu", bench.path("backend").asText(), json.toPrettyString());
        assertTrue(bench.path("tokens_per_s").asDouble() > 0, json.toPrettyString());
        assertTrue(json.path("backends").asText().contains("cuda"), json.toPrettyString());
    }

    @Test
    void unknownOptionIsOneLineAndExitCodeTwo(@TempDir Path tmp) throws Exception {
        Path tools = toolsWithoutJava(tmp);
        Result result = launch(tools, tmp.resolve("unpacked"), "--fast");
        assertEquals(2, result.exitCode(), result.output());
        assertEquals("gpu-check: unknown option '--fast' (expected --cpu-part or --report FILE)",
                result.output().strip());
    }

    /** A PATH folder of small scripts that run the launcher's tools from /usr/bin; java is not among them. */
    private static Path toolsWithoutJava(Path tmp) throws IOException {
        Path tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : TOOLS) {
            Path script = tools.resolve(tool);
            Files.writeString(script, "#!/usr/bin/bash\nexec /usr/bin/" + tool + " \"$@\"\n");
            script.toFile().setExecutable(true);
        }
        return tools;
    }

    private Result launch(Path tools, Path home, String... arguments) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/bash",
                bundle.resolve("gpu-check").toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", tools.toString());
        env.put("HOME", home.getParent().toString());
        env.put("TMPDIR", home.getParent().toString());
        env.put("WAFER_GPU_CHECK_HOME", home.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    private record Result(int exitCode, String output) {
    }
}
