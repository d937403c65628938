package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.conformance.ComputeBackendContract;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The kernel contract on the CUDA backend over the stand-in {@code libcuda.so.1}, {@code libcublas.so.12} and
 * {@code libcublasLt.so.12} (the linear layers' bias epilogue)
 * ({@link CudaSimulator#standInLibraries()}): real shared libraries opened by the real bindings, with the real NVRTC
 * compiling the kernels. What the GPU check's rehearsal loads through {@code LD_LIBRARY_PATH} is checked here first.
 */
@HostOnly
class StandInCudaContractTest extends SimulatedBackendTest implements ComputeBackendContract {
    @Override
    CudaBackend open() throws Exception {
        SimulatedDevice.simulator(); // skips (or fails) as the simulator's other suites do
        Path dir = CudaSimulator.standInLibraries();
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        DriverApi driver = new DriverApi(new NativeLibrary("libcuda.so.1",
                SymbolLookup.libraryLookup(dir.resolve("libcuda.so.1"), Arena.global())));
        CublasApi cublas = new CublasApi(new NativeLibrary("libcublas.so.12",
                SymbolLookup.libraryLookup(dir.resolve("libcublas.so.12"), Arena.global())));
        CublasLtApi lt = new CublasLtApi(new NativeLibrary("libcublasLt.so.12",
                SymbolLookup.libraryLookup(dir.resolve("libcublasLt.so.12"), Arena.global())));
        CudaGpu gpu = CudaGpu.open(driver, nvrtc, cublas, lt,
                new CudaOptions(0, false, kernelCache, false, false));
        return new CudaBackend(gpu, gpu.description(), false);
    }

    @Test
    void theStandInNamesItselfAndLoadedCubins() {
        String detail = cudaBackend().description();
        assertTrue(detail.contains("Wafer stand-in GPU") && detail.contains("cubin sm_90"), detail);
        assertTrue(detail.contains("libcublasLt.so.12") && detail.contains("bias cuBLASLt on")
                && !detail.contains("no algorithm"), detail);
    }
}
