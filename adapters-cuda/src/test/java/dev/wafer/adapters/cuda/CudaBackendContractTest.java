package dev.wafer.adapters.cuda;

import dev.wafer.conformance.ComputeBackendContract;
import dev.wafer.ports.compute.ComputeBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The whole kernel contract on the GPU; skipped with the reason where there is none, a failure instead when
 * {@code WAFER_EXPECT_CUDA=1}.
 */
class CudaBackendContractTest implements ComputeBackendContract {
    private static CudaBackend backend;

    @BeforeAll
    static void open() {
        backend = CudaTestDevice.openIfAvailable();
    }

    @BeforeEach
    void requireDevice() {
        CudaTestDevice.assumeDevice(backend);
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
