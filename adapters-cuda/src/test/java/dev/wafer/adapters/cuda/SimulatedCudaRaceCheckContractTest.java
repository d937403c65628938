package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;
import org.junit.jupiter.api.AfterAll;

/**
 * The whole kernel contract on the CUDA backend with its fast kernels, every launch checked for races by the
 * {@link CudaSimulator} ({@link CudaSimulator#checkRaces}): no two threads touch one element of shared or global
 * memory, one of them writing, without a barrier between them or, for threads of different blocks, a launch. The
 * descending order ({@link SimulatedCudaDescendingContractTest}) finds races whose values differ between the two
 * orders; this finds them whatever the values.
 */
@HostOnly
class SimulatedCudaRaceCheckContractTest extends SimulatedBackendTest implements ComputeBackendContract {
    @Override
    CudaBackend open() throws Exception {
        CudaBackend backend = SimulatedDevice.open(false);
        SimulatedDevice.simulator().checkRaces(true);
        return backend;
    }

    @AfterAll
    void stopChecking() {
        SimulatedDevice.simulator().checkRaces(false);
    }
}
