package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;

/**
 * The whole kernel contract on the CUDA backend with its fast kernels (the default), the CUDA C kernels run by the
 * {@link CudaSimulator} and cuBLAS stood in for by {@link SimulatedGpu}: the values the kernels compute, checked
 * without a GPU against the same reference the CPU and OpenCL backends are held to.
 */
@HostOnly
class SimulatedCudaContractTest extends SimulatedBackendTest implements ComputeBackendContract {
    @Override
    CudaBackend open() throws Exception {
        return SimulatedDevice.open(false);
    }
}
