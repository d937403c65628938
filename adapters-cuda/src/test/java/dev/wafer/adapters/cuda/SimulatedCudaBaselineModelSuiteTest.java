package dev.wafer.adapters.cuda;

import dev.wafer.suite.ModelSuite;

/**
 * The model-level suite (PyTorch golden files for SP and muP, 20 training steps against the reference backend's
 * losses, the muP coordinate check, cached decoding) on the CUDA backend with its baseline kernels (WAFER_CUDA_KERNELS=baseline: attention by one thread per row, the SGEMM on rounded operands), run by the
 * {@link CudaSimulator}: the whole model through the backend's real launches, slices and GEMM calls, without a GPU.
 */
@HostOnly
class SimulatedCudaBaselineModelSuiteTest extends SimulatedBackendTest implements ModelSuite {
    @Override
    CudaBackend open() throws Exception {
        return SimulatedDevice.open(true);
    }
}
