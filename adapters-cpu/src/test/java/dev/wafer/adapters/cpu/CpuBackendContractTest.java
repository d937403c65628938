package dev.wafer.adapters.cpu;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.conformance.ComputeBackendContract;
import dev.wafer.ports.compute.ComputeBackend;

/** The CPU backend with the Vector API and two workers runs the whole contract. */
class CpuBackendContractTest implements ComputeBackendContract {
    private static final CpuBackend BACKEND = new CpuBackend(2, true);

    @Override
    public ComputeBackend backend() {
        return BACKEND;
    }

    @Test
    void usesTheVectorApiInTests() {
        assertTrue(BACKEND.vectorized(), "surefire must pass --add-modules jdk.incubator.vector");
    }

    @AfterAll
    static void close() {
        BACKEND.close();
    }
}
