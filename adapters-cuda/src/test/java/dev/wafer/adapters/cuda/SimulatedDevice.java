package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CUDA backend over a {@link SimulatedGpu}, for the suites that check kernel values without a GPU. Skipped with
 * the reason where g++ is missing (a failure instead under {@code WAFER_EXPECT_CUDA_SIM=1}, which CI sets), and on a
 * GPU machine under test ({@code WAFER_EXPECT_CUDA=1}), where the same suites run on the device itself.
 */
final class SimulatedDevice {
    private SimulatedDevice() {
    }

    /** The simulator, or a skip with the reason (a failure under {@code WAFER_EXPECT_CUDA_SIM=1}). */
    static CudaSimulator simulator() {
        assumeTrue(!CudaTestDevice.expected(), "a real GPU is under test (WAFER_EXPECT_CUDA=1): the simulator's"
                + " suites are for machines without one");
        CudaSimulator simulator = CudaSimulator.get();
        if (simulator == null) {
            String why = "CUDA simulator tests skipped: " + CudaSimulator.unavailableReason();
            if ("1".equals(System.getenv("WAFER_EXPECT_CUDA_SIM"))) {
                fail("WAFER_EXPECT_CUDA_SIM=1 but " + why);
            }
            assumeTrue(false, why);
        }
        return simulator;
    }

    /** A backend on a fresh simulated GPU with the fast or the baseline kernels, or a skip. */
    static CudaBackend open(boolean baselineKernels) {
        return open(baselineKernels, false);
    }

    /**
     * The backend through the real {@link CudaGpu} and the real NVRTC over the {@link SimulatedDriver}'s stand-in
     * libraries, or a skip (no g++, or no NVRTC; failures instead under the matching {@code WAFER_EXPECT_*}).
     */
    static CudaBackend openThroughTheDriver(java.nio.file.Path cache) {
        CudaSimulator simulator = simulator();
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        return new SimulatedDriver(simulator).open(nvrtc, cache, false);
    }

    /** As {@link #open(boolean)}, blocks and threads run in descending order with {@code descending}. */
    static CudaBackend open(boolean baselineKernels, boolean descending) {
        return new CudaBackend(new SimulatedGpu(simulator(), descending), "simulated", baselineKernels);
    }
}
