package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;
import dev.wafer.ports.compute.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole kernel contract on the CUDA backend with its fast kernels, every launch run by the {@link CudaSimulator}
 * with its blocks and threads in descending order: a kernel whose values depend on the order has a race that a GPU,
 * which runs them in any order, can show.
 */
class SimulatedCudaDescendingContractTest implements ComputeBackendContract {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = SimulatedDevice.open(false, true);
    }

    @Override
    public ComputeBackend backend() {
        return backend;
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
