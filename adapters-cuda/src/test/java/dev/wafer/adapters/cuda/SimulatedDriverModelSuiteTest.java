package dev.wafer.adapters.cuda;

import dev.wafer.suite.ModelSuite;
import dev.wafer.ports.compute.ComputeBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The model suite on the CUDA backend through its real device layer: {@link CudaGpu} with NVRTC compiling
 * every kernel to a CUBIN, every driver and cuBLAS call made through FFM downcalls into the {@link SimulatedDriver},
 * whose stand-ins compute what the calls ask for. A binding that passes an argument in the wrong place shows here as
 * a wrong value.
 */
class SimulatedDriverModelSuiteTest implements ModelSuite {
    private static CudaBackend backend;

    @BeforeAll
    static void open() throws java.io.IOException {
        Path cache = Files.createTempDirectory("wafer-simulated-driver-");
        backend = SimulatedDevice.openThroughTheDriver(cache);
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
