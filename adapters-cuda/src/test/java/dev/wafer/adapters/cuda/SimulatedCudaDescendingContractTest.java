package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;

/**
 * The whole kernel contract on the CUDA backend with its fast kernels, every launch run by the {@link CudaSimulator}
 * with its blocks and threads in descending order: a kernel whose values depend on the order has a race that a GPU,
 * which runs them in any order, can show.
 */
@HostOnly
class SimulatedCudaDescendingContractTest extends SimulatedBackendTest implements ComputeBackendContract {
    @Override
    CudaBackend open() throws Exception {
        return SimulatedDevice.open(false, true);
    }
}
