package dev.wafer.adapters.opencl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.suite.ModelSuite;

/**
 * The whole model-level suite on the OpenCL device (PoCL in CI); skipped with the reason where no platform exists,
 * a failure instead when {@code WAFER_EXPECT_OPENCL=1}.
 */
class ClBackendModelSuiteTest implements ModelSuite {
    private static ClBackend backend;

    @BeforeAll
    static void open() {
        backend = OpenClTestDevice.openIfAvailable();
    }

    /** Each suite test is skipped with the reason (visible in the report) where no OpenCL device exists. */
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
