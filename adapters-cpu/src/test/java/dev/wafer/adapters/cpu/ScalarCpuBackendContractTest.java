package dev.wafer.adapters.cpu;

import org.junit.jupiter.api.AfterAll;

import dev.wafer.conformance.ComputeBackendContract;
import dev.wafer.ports.compute.ComputeBackend;

/** The scalar paths (no Vector API, one thread) pass the same contract. */
class ScalarCpuBackendContractTest implements ComputeBackendContract {
    private static final CpuBackend BACKEND = new CpuBackend(1, false);

    @Override
    public ComputeBackend backend() {
        return BACKEND;
    }

    @AfterAll
    static void close() {
        BACKEND.close();
    }
}
