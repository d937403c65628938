package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.ComputeBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * One CUDA backend without a GPU per test class, for the suites that run on the simulator: each subclass says how
 * to open it (a skip, with the reason, where the simulator cannot be built) and implements a suite.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SimulatedBackendTest {
    private CudaBackend backend;
    private Path kernelCache;

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

    /** The class's kernel cache, for a backend that compiles with NVRTC: made on first use, removed after the class. */
    Path kernelCache() throws IOException {
        if (kernelCache == null) {
            kernelCache = Files.createTempDirectory("wafer-simulated-kernels-");
        }
        return kernelCache;
    }

    @AfterAll
    void closeBackend() throws IOException {
        if (backend != null) {
            backend.close();
        }
        if (kernelCache != null) {
            try (Stream<Path> all = Files.walk(kernelCache)) {
                for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(p);
                }
            }
        }
    }
}
