package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/**
 * The stand-in CUDA libraries' folder ({@link CudaSimulator#standInLibraries()}) for tests of other modules that run
 * the real CUDA backend on them (the CLI's, the GPU check's rehearsal): a skip with the reason where they cannot be
 * built (no g++ on x86-64) or NVRTC, which compiles the kernels for them, is missing; a failure instead under
 * {@code WAFER_EXPECT_CUDA_SIM=1} or {@code WAFER_EXPECT_NVRTC=1}.
 */
public final class StandInLibraries {
    private StandInLibraries() {
    }

    /** The folder to put on {@code LD_LIBRARY_PATH}, or a skipped (or, when expected, failed) test. */
    public static Path orSkip() {
        NvrtcTestCompiler.requireInstalled();
        try {
            return CudaSimulator.standInLibraries();
        } catch (CudaSimulator.UnavailableException e) {
            if ("1".equals(System.getenv("WAFER_EXPECT_CUDA_SIM"))) {
                fail("WAFER_EXPECT_CUDA_SIM=1 but " + e.getMessage());
            }
            assumeTrue(false, "stand-in CUDA libraries unavailable: " + e.getMessage());
            throw new IllegalStateException("unreachable: the assumption above aborts the test");
        }
    }
}
