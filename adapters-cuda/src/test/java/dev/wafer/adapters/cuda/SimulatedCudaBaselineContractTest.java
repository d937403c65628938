package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;
import dev.wafer.ports.compute.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The whole kernel contract on the CUDA backend with its baseline kernels (WAFER_CUDA_KERNELS=baseline), the CUDA C kernels run by the
 * {@link CudaSimulator} and cuBLAS stood in for by {@link SimulatedGpu}: the values the kernels compute, checked
 * without a GPU against the same reference the CPU and OpenCL backends are held to.
 */
class SimulatedCudaBaselineContractTest implements ComputeBackendContract {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = SimulatedDevice.open(true);
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
