package dev.wafer.adapters.cuda;

import dev.wafer.suite.ModelSuite;

/**
 * The model suite on the CUDA backend through its real device layer: {@link CudaGpu} with NVRTC compiling
 * every kernel to a CUBIN, every driver and cuBLAS call made through FFM downcalls into the {@link SimulatedDriver},
 * whose stand-ins compute what the calls ask for. A binding that passes an argument in the wrong place shows here as
 * a wrong value.
 */
@HostOnly
class SimulatedDriverModelSuiteTest extends SimulatedBackendTest implements ModelSuite {
    @Override
    CudaBackend open() throws Exception {
        return SimulatedDevice.openThroughTheDriver(kernelCache);
    }
}
