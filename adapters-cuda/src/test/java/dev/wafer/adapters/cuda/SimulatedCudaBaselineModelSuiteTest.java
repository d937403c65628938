package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.suite.ModelSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The model-level suite (PyTorch golden files for SP and muP, 20 training steps against the reference backend's
 * losses, the muP coordinate check, cached decoding) on the CUDA backend with its baseline kernels (WAFER_CUDA_KERNELS=baseline: attention by one thread per row, the SGEMM on rounded operands), run by the
 * {@link CudaSimulator}: the whole model through the backend's real launches, slices and GEMM calls, without a GPU.
 */
class SimulatedCudaBaselineModelSuiteTest implements ModelSuite {
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
