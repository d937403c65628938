package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.suite.ModelSuite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * The model-level suite on the GPU: PyTorch golden files (SP and muP), 20 training steps against the reference
 * backend's losses (the same oracle the CPU and OpenCL backends are held to), the muP coordinate check and cached
 * decoding. Skipped with the reason where there is no GPU, a failure instead when {@code WAFER_EXPECT_CUDA=1}.
 */
class CudaBackendModelSuiteTest implements ModelSuite {
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
