package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wafer.app.backend.BackendCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code WAFER_CUDA_*} variables as the CLI reports them: a value that cannot be read is the user's mistake (exit
 * 2, one line naming the variable) from every command that reads it, {@code wafer backends} included, as for
 * {@code WAFER_OPENCL_DEVICE}; and {@code backends} decides availability as a computing command does. Until
 * 2026-12-07 a mistyped value made the backend "unavailable" (exit 3, backends exit 0) with advice about
 * WAFER_CUDA_DEVICE, and backends called a machine without cuBLAS "available" while every run refused it.
 */
class CudaSettingsTest {
    private static final String[] TRAIN = {"train", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16",
            "--batch", "2", "--steps", "1", "--backend", "cuda"};

    @TempDir
    Path tmp;

    private static CliRun run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, BackendCatalog.standard(env));
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anUnreadableValueIsRefusedInOneLineNamingTheVariable() throws Exception {
        Path file = Files.writeString(tmp.resolve("afile"), "x");
        Map<Map<String, String>, String> cases = Map.of(
                Map.of("WAFER_CUDA_KERNELS", "fastest"), "wafer: WAFER_CUDA_KERNELS: expected fast, fast-unfused or"
                        + " baseline, found 'fastest'",
                Map.of("WAFER_CUDA_GEMM", "cublass"), "wafer: WAFER_CUDA_GEMM: expected cublas or builtin, found"
                        + " 'cublass'",
                Map.of("WAFER_CUDA_BIAS_EPILOGUE", "2"), "wafer: WAFER_CUDA_BIAS_EPILOGUE: expected 1",
                Map.of("WAFER_CUDA_DEVICE", "first"), "wafer: WAFER_CUDA_DEVICE: expected a device ordinal such as 0,"
                        + " found 'first'",
                Map.of("WAFER_CUDA_TF32", "enable"), "wafer: WAFER_CUDA_TF32: expected 1, on, true or yes",
                Map.of("WAFER_CUDA_CACHE", file.toString()), "wafer: WAFER_CUDA_CACHE: expected a directory (created"
                        + " if missing), found a file: " + file,
                Map.of("WAFER_CUDA_GEMM", "builtin", "WAFER_CUDA_KERNELS", "fast"), "wafer: WAFER_CUDA_KERNELS=fast"
                        + " needs cuBLAS, but WAFER_CUDA_GEMM=builtin runs without it");
        for (Map.Entry<Map<String, String>, String> c : cases.entrySet()) {
            for (String[] args : new String[][] {TRAIN, {"backends"}, {"backends", "--json"},
                    {"train", "--backend", "cuda", "--preset", "111M", "--dry-run", "--no-measure"}}) {
                CliRun r = run(c.getKey(), args);
                String what = c.getKey() + " " + String.join(" ", args) + ": " + r.err();
                assertEquals(2, r.exitCode(), what);
                assertEquals(1, r.err().strip().lines().count(), what);
                assertTrue(r.err().startsWith(c.getValue()), what);
                assertFalse(r.err().contains("unavailable") || r.err().contains("internal error"), what);
            }
        }
    }

    /** Read by the cuda backend only: another backend's run is not refused over them. */
    @Test
    void otherBackendsDoNotReadThem() {
        CliRun r = run(Map.of("WAFER_CUDA_KERNELS", "fastest"), "train", "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "1", "--backend", "cpu", "--dry-run",
                "--no-measure");
        assertEquals(0, r.exitCode(), r::err);
    }

    /**
     * On the stand-in driver alone (no cuBLAS beside it), {@code backends} calls cuda unavailable with the reason a
     * run gives, and available under {@code WAFER_CUDA_GEMM=builtin}.
     */
    @Test
    void withoutCublasBackendsSaysWhatARunSays() throws Exception {
        Path driverOnly = Files.createDirectory(tmp.resolve("driver-only"));
        Files.createSymbolicLink(driverOnly.resolve("libcuda.so.1"),
                StandInCuda.libraries().resolve("libcuda.so.1"));
        Map<String, String> env = new HashMap<>(Map.of("LD_LIBRARY_PATH", driverOnly.toString(),
                "WAFER_CUDA_CACHE", StandInCuda.kernelCache().toString()));
        CliRun train = StandInCuda.run(tmp, MpiLauncher.wafer(List.of(TRAIN)), env);
        assertEquals(3, train.exitCode(), train::err);
        // The JVM's own note on the incubator module comes first.
        String line = train.err().lines().filter(l -> l.startsWith("wafer:")).findFirst().orElse(train.err());
        assertTrue(line.startsWith("wafer: backend 'cuda' is unavailable: cuBLAS not found (tried "), train::err);
        assertTrue(line.contains("or set WAFER_CUDA_GEMM=builtin to run without it"), train::err);
        JsonNode cuda = cudaRow(StandInCuda.run(tmp, MpiLauncher.wafer(List.of("backends", "--json")), env));
        assertFalse(cuda.get("available").asBoolean(), cuda::toString);
        assertTrue(line.contains(cuda.get("detail").asText() + ". " + cuda.get("remedy").asText()),
                cuda + " against " + line);
        env.put("WAFER_CUDA_GEMM", "builtin");
        JsonNode builtin = cudaRow(StandInCuda.run(tmp, MpiLauncher.wafer(List.of("backends", "--json")), env));
        assertTrue(builtin.get("available").asBoolean(), builtin::toString);
    }

    private static JsonNode cudaRow(CliRun run) throws Exception {
        assertEquals(0, run.exitCode(), run::err);
        for (JsonNode row : new ObjectMapper().readTree(run.out())) {
            if (row.get("name").asText().equals("cuda")) {
                return row;
            }
        }
        throw new AssertionError("no cuda row: " + run.out());
    }
}
