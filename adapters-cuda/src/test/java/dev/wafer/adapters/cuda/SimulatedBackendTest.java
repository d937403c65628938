package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.ComputeBackend;
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
