package dev.wafer.adapters.opencl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.wafer.conformance.ComputeBackendContract;
import dev.wafer.ports.compute.ComputeBackend;

/** The whole backend contract on the OpenCL device (PoCL in CI); skipped with the reason where no platform exists. */
class ClBackendContractTest implements ComputeBackendContract {
    private static ClBackend backend;

    @BeforeAll
    static void open() {
        backend = OpenClTestDevice.openIfAvailable();
    }

    /** Each contract test is skipped with the reason (visible in the report) where no OpenCL device exists. */
    @BeforeEach
    void requireDevice() {
        OpenClTestDevice.assumeDevice();
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
