package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.ComputeBackend;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One CUDA backend without a GPU per test class, for the suites that run on the simulator: each subclass says how
 * to open it (a skip, with the reason, where the simulator cannot be built) and implements a suite.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SimulatedBackendTest {
    /**
     * The class's kernel cache, for a backend that compiles with NVRTC: JUnit makes one per class before its
     * {@code @BeforeAll} and removes it after (an instance field would not be set yet there).
     */
    @TempDir
    static Path kernelCache;

    private CudaBackend backend;

    /** The backend the suite runs on. */
    abstract CudaBackend open() throws Exception;

    @BeforeAll
    void openBackend() throws Exception {
        backend = open();
    }

    public ComputeBackend backend() {
        return backend;
    }

    /** The backend as the CUDA backend, for checks of its own. */
    CudaBackend cudaBackend() {
        return backend;
    }

    @AfterAll
    void closeBackend() {
        if (backend != null) {
            backend.close();
        }
    }
}
