package dev.wafer.gpucheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle Maven assembled in this module's package phase: small enough to travel to a lent GPU machine, carrying
 * the prebuilt PTX fallback, and runnable there with nothing but its own runtime. The CPU part is run here with a PATH
 * that holds no java at all.
 */
class GpuCheckBundleTest {

    /** What a lent GPU machine receives with the repository is 64 MiB. */
    private static final long MAX_BUNDLE_BYTES = 64L * 1024 * 1024;

    private final Path bundle = BundleLauncher.bundle();

    @Test
    void bundleFitsTheTransferLimit() throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(bundle)) {
            bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        assertTrue(Files.isExecutable(bundle.resolve("gpu-check")), "launcher missing in " + bundle);
        assertTrue(Files.isRegularFile(bundle.resolve("torch_standin.py")), "stand-in missing in " + bundle);
        assertTrue(bytes > 10L * 1024 * 1024, "a bundle of " + bytes + " bytes cannot hold a Java runtime");
        assertTrue(bytes <= MAX_BUNDLE_BYTES, "bundle is " + bytes + " bytes, limit " + MAX_BUNDLE_BYTES);
    }

    /** The fallback when NVRTC is missing or its output does not load: every kernel file, for both architectures. */
    @Test
    void payloadCarriesPrebuiltPtxOfEveryKernelForComputeEightyAndNinety() throws Exception {
        Process tar = new ProcessBuilder("bash", "-c", "xz -dc \"$0\" | tar -tf -",
                bundle.resolve("payload.tar.xz").toString()).redirectErrorStream(true).start();
        List<String> entries = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .map(e -> e.startsWith("./") ? e.substring(2) : e).toList();
        assertEquals(0, tar.waitFor(), String.join("\n", entries));
        if (entries.contains("NO-PREBUILT-PTX")) {
            // ./run-tests where NVRTC is missing (-Dbundle.ptx=optional): nothing to check, and no PTX at all.
            assertTrue(entries.stream().noneMatch(e -> e.startsWith("ptx/") && e.endsWith(".ptx")),
                    "a bundle marked NO-PREBUILT-PTX holds PTX: " + entries);
            String reason = "the bundle was built without prebuilt PTX (NVRTC missing where it was built)";
            if ("1".equals(System.getenv("WAFER_EXPECT_NVRTC"))) {
                fail("WAFER_EXPECT_NVRTC=1 but " + reason);
            }
            assumeTrue(false, reason);
        }
        List<String> kernelFiles = kernelFiles();
        assertTrue(kernelFiles.size() > 3, "kernel files: " + kernelFiles);
        for (String file : kernelFiles) {
            String base = file.substring(0, file.length() - ".cu".length());
            for (int arch : List.of(80, 90)) {
                assertTrue(entries.stream().anyMatch(e -> e.startsWith("ptx/" + base + "-")
                        && e.endsWith("-compute_" + arch + ".ptx")), "no compute_" + arch + " PTX of " + file
                        + " in the payload; ptx entries: " + entries.stream().filter(e -> e.startsWith("ptx/"))
                        .toList());
            }
        }
    }

    /**
     * The payload unpacked where WAFER_GPU_CHECK_HOME says, and its runtime running the check. The tests are skipped
     * (--skip tests): the same suite runs from the bundle, on the same runtime, in {@link RehearsalTest}, which checks
     * its results; here it would only add a minute.
     */
    @Test
    void cpuPartRunsOnTheBundledRuntimeWithoutAnyJavaOnThePath(@TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("unpacked");
        Path report = tmp.resolve("out/report.json");
        // PyTorch's NVIDIA wheels, in a Python site folder (the user one here, which PYTHONUSERBASE moves): CUDA 13's
        // keep every library in nvidia/cu13/lib, CUDA 12's one folder per library (nvidia/cublas/lib).
        Path userBase = tmp.resolve("python-user");
        List<Path> wheelLibs = List.of();
        if (BundleLauncher.pythonOnPath()) {
            ProcessBuilder ask = new ProcessBuilder("python3", "-c", "import site; print(site.getusersitepackages())")
                    .redirectErrorStream(true);
            ask.environment().put("PYTHONUSERBASE", userBase.toString());
            Process site = ask.start();
            Path sitePackages = Path.of(new String(site.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                    .strip());
            assertEquals(0, site.waitFor(), sitePackages.toString());
            wheelLibs = List.of(sitePackages.resolve("nvidia/cu13/lib"), sitePackages.resolve("nvidia/cublas/lib"));
            for (Path lib : wheelLibs) {
                Files.createDirectories(lib);
            }
        }
        BundleLauncher.Result result = new BundleLauncher(bundle, tmp, home).run(java.util.Map.of("PYTHONUSERBASE",
                userBase.toString()), "--cpu-part", "--report", report.toString(), "--skip", "tests");

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("gpu-check cpu-part: PASS"), result.output());
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertTrue(json.path("java_home").asText().startsWith(home.toString()),
                "ran on " + json.path("java_home").asText() + ", not the bundled runtime in " + home);
        assertEquals("skipped: --skip tests", phase(json, "tests fast").path("status").asText(),
                json.toPrettyString());
        JsonNode bench = phase(json, "bench tiny cpu fp32").path("wafer");
        assertEquals("cpu", bench.path("backend").asText(), json.toPrettyString());
        assertTrue(bench.path("tokens_per_s").asDouble() > 0, json.toPrettyString());
        assertTrue(phase(json, "device").path("backends").toString().contains("cuda"), json.toPrettyString());
        assertEquals("complete", json.path("status").asText());
        // The launcher put the wheels' library folders on the loader path of every child.
        String loaderPath = json.path("environment").path("LD_LIBRARY_PATH").asText("");
        for (Path lib : wheelLibs) {
            assertTrue(List.of(loaderPath.split(":")).contains(lib.toString()), lib + " not in " + loaderPath);
        }
        // A bundle without the prebuilt PTX (./run-tests where NVRTC is missing) says why in the report; one with it
        // names the unpacked PTX as the kernel cache.
        Path noPtx = home.resolve("NO-PREBUILT-PTX");
        JsonNode environment = json.path("environment");
        if (Files.exists(noPtx)) {
            assertEquals(Files.readAllLines(noPtx).getFirst(), environment.path("WAFER_GPU_CHECK_NO_PTX").asText(),
                    json.toPrettyString());
            assertTrue(environment.path("WAFER_CUDA_CACHE").isNull(), json.toPrettyString());
        } else {
            assertTrue(environment.path("WAFER_GPU_CHECK_NO_PTX").isNull(), json.toPrettyString());
            assertEquals(home.resolve("ptx").toString(), environment.path("WAFER_CUDA_CACHE").asText(),
                    json.toPrettyString());
        }
    }

    @Test
    void unknownOptionIsOneLineAndExitCodeTwo(@TempDir Path tmp) throws Exception {
        BundleLauncher.Result result = new BundleLauncher(bundle, tmp, tmp.resolve("unpacked")).run("--fast");
        assertEquals(2, result.exitCode(), result.output());
        assertEquals("gpu-check: unknown option '--fast' (expected --cpu-part, --rehearse, --deadline SECONDS,"
                + " --report FILE, --skip GROUPS or --kernels VARIANT)", result.output().strip());
    }

    /** --help is the launcher's header comment, every option in it, and none of the script's code. */
    @Test
    void helpIsTheHeaderWithEveryOption(@TempDir Path tmp) throws Exception {
        BundleLauncher.Result result = new BundleLauncher(bundle, tmp, tmp.resolve("unpacked")).run("--help");
        assertEquals(0, result.exitCode(), result.output());
        String help = result.output();
        assertTrue(help.startsWith("Wafer's GPU check:"), help);
        for (String option : List.of("--cpu-part", "--rehearse", "--deadline", "--report", "--skip", "--kernels")) {
            assertTrue(help.contains("  " + option + " "), option + " missing from:\n" + help);
        }
        assertTrue(help.strip().endsWith("named by the payload's hash)."), help);
        assertTrue(help.lines().noneMatch(l -> l.startsWith("#") || l.contains("set -euo")), help);
        assertTrue(Files.notExists(tmp.resolve("unpacked")), "--help unpacked the payload");
    }

    /** The phase called {@code name} in a report. */
    static JsonNode phase(JsonNode report, String name) {
        for (JsonNode p : report.path("phases")) {
            if (p.path("name").asText().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no phase '" + name + "' in " + report.toPrettyString());
    }

    /** The kernel files the PTX precompiler compiles: the CUDA adapter's own list (package-private, read here). */
    @SuppressWarnings("unchecked")
    private static List<String> kernelFiles() throws ReflectiveOperationException {
        Method files = Class.forName("dev.wafer.adapters.cuda.KernelSources").getDeclaredMethod("files");
        files.setAccessible(true);
        return (List<String>) files.invoke(null);
    }
}
