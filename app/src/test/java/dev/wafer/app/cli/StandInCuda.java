package dev.wafer.app.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.wafer.adapters.cuda.CudaSimulator;
import dev.wafer.adapters.cuda.StandInLibraries;

/**
 * The stand-in CUDA libraries ({@link CudaSimulator#standInLibraries()}: {@code libcuda.so.1} and
 * {@code libcublas.so.12} running the kernels on the CUDA simulator) and child processes that load them, for CUDA runs
 * of the CLI without a GPU. Tests skip without g++ on x86-64 (fail instead under {@code WAFER_EXPECT_CUDA_SIM=1}) and
 * without NVRTC, which compiles the kernels for the stand-in device as for a real one (fail instead under
 * {@code WAFER_EXPECT_NVRTC=1}).
 */
final class StandInCuda {
    private StandInCuda() {
    }

    /** The folder of the stand-in libraries, for {@code LD_LIBRARY_PATH}, or a skip (see the class comment). */
    static Path libraries() {
        return StandInLibraries.orSkip();
    }

    /**
     * The kernel cache every stand-in run of this module's tests shares ({@code target/stand-in-kernels}): NVRTC
     * compiles the kernels once (about 6 s a process here) instead of in every child. The cache keys each module by
     * its source's SHA-256, NVRTC's version and the architecture, as a GPU check's children share theirs; the tests
     * of the cache itself live in the CUDA adapter.
     */
    static Path kernelCache() {
        return Path.of("target", "stand-in-kernels").toAbsolutePath();
    }

    /** {@code LD_LIBRARY_PATH} for the stand-in libraries and {@code WAFER_CUDA_CACHE} for {@link #kernelCache()}. */
    static Map<String, String> environment() {
        return Map.of("LD_LIBRARY_PATH", libraries().toString(), "WAFER_CUDA_CACHE", kernelCache().toString());
    }

    /** Runs {@code command} to its end (at most 5 minutes) with {@code env} added, output kept in {@code dir}. */
    static CliRun run(Path dir, List<String> command, Map<String, String> env) throws Exception {
        Path out = Files.createTempFile(dir, "run", ".out");
        Path err = Files.createTempFile(dir, "run", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        MpiLauncher.allowRoot(pb.environment());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 5 minutes: "
                    + Files.readString(err));
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
