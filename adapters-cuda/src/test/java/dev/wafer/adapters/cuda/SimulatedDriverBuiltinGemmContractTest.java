package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The whole kernel contract through the real device layer with its products on the built-in {@code gemm_tiled}
 * kernel ({@code WAFER_CUDA_GEMM=builtin}, for machines without cuBLAS; it goes with the baseline kernels, since the
 * fast ones need cuBLAS) instead of the stand-in cuBLAS, every launch checked for races
 * ({@link CudaSimulator#checkRaces}): the other simulated suites never run that kernel.
 */
@HostOnly
class SimulatedDriverBuiltinGemmContractTest extends SimulatedBackendTest implements ComputeBackendContract {
    @Override
    CudaBackend open() {
        CudaSimulator simulator = SimulatedDevice.simulator();
        CudaGpu gpu = new SimulatedDriver(simulator).openGpu(NvrtcTestCompiler.require(), kernelCache, true, true);
        simulator.checkRaces(true);
        return new CudaBackend(gpu, gpu.description(), true);
    }

    @AfterAll
    void stopChecking() {
        SimulatedDevice.simulator().checkRaces(false);
    }
}
