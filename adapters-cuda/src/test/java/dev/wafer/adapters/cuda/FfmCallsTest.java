package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link CudaGpu} over driver and cuBLAS bindings whose functions are Java upcall stubs
 * ({@link FakeNativeLibrary}), with the real NVRTC compiling the kernels: opening, allocating, copying, every
 * kernel family and closing all go through real FFM downcalls, so each binding is invoked with the argument types
 * its descriptor declares, and the values that reach the "driver" can be inspected.
 */
@HostOnly
class FfmCallsTest {
    /** One kernel cache for the class: NVRTC compiles the kernels once, not in every test (about 4 s each here). */
    @TempDir
    static Path cache;

    @Test
    void theWholeBackendDrivesTheBindingsWithMatchingArguments() {
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        FakeNativeLibrary driverLib = new FakeNativeLibrary(DriverApi.FUNCTIONS);
        FakeNativeLibrary blasLib = new FakeNativeLibrary(CublasApi.FUNCTIONS);
        DriverApi driver = new DriverApi(driverLib.library("libcuda.so.1"));
        CublasApi cublas = new CublasApi(blasLib.library("libcublas.so.12"));
        CudaGpu gpu = CudaGpu.open(driver, nvrtc, cublas, new CudaOptions(0, false, cache));
        assertTrue(gpu.description().contains("compute capability 9.0, kernels: cubin sm_90 by NVRTC"),
                gpu.description());
        for (var load : driverLib.calls("module-image")) {
            assertEquals("cubin", load.arguments().get(0), "a CUBIN (ELF image) for the device's own architecture");
        }
        assertEquals(KernelSources.files().size(), driverLib.calls("cuModuleLoadData").size(), "one module per file");
        assertEquals(CudaKernel.values().length, driverLib.calls("cuModuleGetFunction").size());
        assertEquals(List.of(CublasApi.DEFAULT_MATH), List.of(blasLib.calls("cublasSetMathMode").get(0).arguments()
                .get(1)), "TF32 off by default");
        var workspace = blasLib.calls("cublasSetWorkspace_v2");
        assertEquals(1, workspace.size(), "one workspace for the one handle");
        assertEquals(CublasApi.WORKSPACE_BYTES, workspace.get(0).arguments().get(2));
        assertEquals(CublasApi.WORKSPACE_BYTES, driverLib.calls("cuMemAlloc_v2").get(0).arguments().get(1));
        assertEquals(0x7f00_0000_0000L, ((MemorySegment) workspace.get(0).arguments().get(1)).address(),
                "the workspace is the device memory Wafer allocated for it");

        CudaBackend backend = new CudaBackend(gpu, gpu.description());
        try (TensorScope s = backend.openScope()) {
            Tensor x = s.allocate(6);
            x.copyFromHost(new float[] {1, 2, 3, 4, 5, 6});
            float[] back = x.toHost();
            assertEquals(6, back.length);
            Tensor w = s.allocate(12);
            Tensor out = s.allocate(4);
            backend.matmul().forward(out, x, w, null, 2, 3, 2);
            backend.reductions().fill(x, 6, 2.5f);
            backend.crossEntropy().forward(out.slice(0, 2), x, x, new int[] {0, 2}, 2, 3, 1f);
            assertEquals(0.0, backend.reductions().sumOfSquares(x, 6));
            backend.synchronize();
        }
        backend.close();

        var launches = driverLib.calls("cuLaunchKernel");
        assertEquals(4, launches.size(), "fill, cross-entropy and the two sum-of-squares passes");
        assertEquals(List.of(1, 1, 1, 256, 1, 1, 0), launches.get(0).arguments().subList(1, 8),
                "grid, block and shared memory of fill");
        assertEquals(24L, driverLib.calls("cuMemAlloc_v2").get(1).arguments().get(1),
                "6 floats allocated first after cuBLAS's workspace");
        // The fake hands out 0x7f00_0000_0000 first (the workspace), then steps by the size rounded as it rounds.
        long pointer = 0x7f00_0000_0000L + (CublasApi.WORKSPACE_BYTES + 511) / 256 * 256;
        assertEquals(List.of(pointer, 6, 2.5f), driverLib.calls("launch:fill_kernel").get(0).arguments(),
                "fill's arguments as the kernel reads them");
        List<Object> ce = driverLib.calls("launch:crossentropy_forward_online").get(0).arguments();
        assertEquals(List.of(2, 3, 1f), ce.subList(4, 7), "n, v and the logit scale");
        assertEquals(List.of(2, 1, 1, 256, 1, 1, 0),
                driverLib.calls("cuLaunchKernel").get(1).arguments().subList(1, 8), "a block of 256 per row");
        assertTrue(pointer >= 0x7f00_0000_0000L, "a device pointer from cuMemAlloc");

        var gemm = blasLib.calls("cublasSgemm_v2").get(0).arguments();
        assertEquals(List.of(CublasApi.OP_T, CublasApi.OP_N, 2, 2, 3), gemm.subList(1, 6), "out = inp W^T");
        assertEquals(List.of(1f, 0f), blasLib.calls("sgemm-scalars").get(0).arguments(), "alpha and beta");

        Set<String> called = new HashSet<>();
        driverLib.calls().forEach(c -> called.add(c.function()));
        blasLib.calls().forEach(c -> called.add(c.function()));
        Set<String> bound = new HashSet<>(DriverApi.FUNCTIONS.keySet());
        bound.addAll(CublasApi.FUNCTIONS.keySet());
        bound.removeAll(called);
        assertEquals(Set.of("cuGetErrorName", "cuDriverGetVersion", "cublasGetVersion_v2", "cuCtxSynchronize",
                "cuMemcpyDtoDAsync_v2",
                "cublasGemmEx", "cublasSgemmStridedBatched", "cublasGemmStridedBatchedEx", "cublasGetProperty"),
                bound, "bindings no call reached (the next test calls them)");
        assertEquals(driverLib.calls("cuMemAlloc_v2").size(), driverLib.calls("cuMemFree_v2").size(),
                "every allocation freed");
    }

    /**
     * An NVRTC newer than the driver: its output cannot be loaded ({@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION}, 222,
     * here for every CUBIN). The backend must unload what it loaded and fall back to the prebuilt PTX, naming both.
     */
    @Test
    void aCubinTheDriverRefusesFallsBackToThePrebuiltPtx() {
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        PrecompiledPtx.into(cache, List.of(80, 90));
        FakeNativeLibrary driverLib = new FakeNativeLibrary(DriverApi.FUNCTIONS);
        driverLib.fail("cuModuleLoadData", args -> driverLib.calls("module-image").getLast().arguments().get(0)
                .equals("cubin") && driverLib.calls("cuModuleLoadData").size() > 3 ? 222 : 0);
        DriverApi driver = new DriverApi(driverLib.library("libcuda.so.1"));
        CublasApi cublas = new CublasApi(new FakeNativeLibrary(CublasApi.FUNCTIONS).library("libcublas.so.12"));
        CudaGpu gpu = CudaGpu.open(driver, nvrtc, cublas, new CudaOptions(0, false, cache));
        assertTrue(gpu.kernelLoading().startsWith("prebuilt PTX compute_90 from "), gpu.kernelLoading());
        assertTrue(gpu.kernelLoading().contains("cubin sm_90 by NVRTC") && gpu.kernelLoading().contains("222"),
                gpu.kernelLoading());
        assertEquals(3, driverLib.calls("cuModuleUnload").size(), "the three CUBIN modules that loaded are unloaded");
        var loads = driverLib.calls("module-image");
        assertEquals(4 + KernelSources.files().size(), loads.size());
        for (var load : loads.subList(4, loads.size())) {
            assertEquals("ptx", load.arguments().get(0), "PTX after the fallback");
        }
        gpu.close();

        // Without any loadable way the backend is unavailable, with every way's reason.
        FakeNativeLibrary refusing = new FakeNativeLibrary(DriverApi.FUNCTIONS);
        refusing.fail("cuModuleLoadData", args -> 218);
        CudaUnavailableException e = org.junit.jupiter.api.Assertions.assertThrows(CudaUnavailableException.class,
                () -> CudaGpu.open(new DriverApi(refusing.library("libcuda.so.1")), nvrtc, cublas,
                        new CudaOptions(0, false, cache)));
        assertTrue(e.getMessage().contains("cubin sm_90") && e.getMessage().contains("prebuilt PTX compute_90")
                && e.getMessage().contains("PTX compute_90 by NVRTC"), e.getMessage());
    }

    /**
     * A kernel whose registers leave it fewer threads per block on the device than it launches with is found when the
     * kernels load: that way is unloaded and the next tried (the driver's JIT of the prebuilt PTX may allocate
     * differently), and the description carries the registers and spills the device reports.
     */
    @Test
    void aKernelThatCannotLaunchWithItsBlockMovesToTheNextWay() {
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        PrecompiledPtx.into(cache, List.of(80, 90));
        FakeNativeLibrary driverLib = new FakeNativeLibrary(DriverApi.FUNCTIONS);
        driverLib.behave("cuFuncGetAttribute", 1, args -> {
            String entry = driverLib.functionName((MemorySegment) args[2]);
            boolean cubin = driverLib.calls("module-image").getLast().arguments().get(0).equals("cubin");
            int value = switch ((int) args[1]) {
                case DriverApi.FUNC_MAX_THREADS_PER_BLOCK -> cubin && entry.equals("flash_attention_backward_keys_64")
                        ? 96 : 1024;
                case DriverApi.FUNC_NUM_REGS -> entry.startsWith("flash_attention_backward_keys") ? 255
                        : entry.equals("layernorm_forward") ? 40 : 30;
                case DriverApi.FUNC_LOCAL_SIZE_BYTES -> entry.equals("flash_attention_backward_keys_128") ? 8 : 0;
                default -> -1;
            };
            ((MemorySegment) args[0]).reinterpret(4).set(java.lang.foreign.ValueLayout.JAVA_INT, 0, value);
            return 0;
        });
        DriverApi driver = new DriverApi(driverLib.library("libcuda.so.1"));
        CublasApi cublas = new CublasApi(new FakeNativeLibrary(CublasApi.FUNCTIONS).library("libcublas.so.12"));
        CudaGpu gpu = CudaGpu.open(driver, nvrtc, cublas, new CudaOptions(0, false, cache));
        assertTrue(gpu.kernelLoading().startsWith("prebuilt PTX compute_90 from ")
                && gpu.kernelLoading().contains("flash_attention_backward_keys_64 (255 registers: blocks of at most 96"
                        + " threads, launched with 128)"), gpu.kernelLoading());
        assertEquals(KernelSources.files().size(), driverLib.calls("cuModuleUnload").size(),
                "every CUBIN module is unloaded");
        assertTrue(gpu.description().contains("registers: fused attention 30/255/30 (heads to 64), 30/255/30 (to 128),"
                + " float32 fused attention 30/30/30, others at most 40 (layernorm_forward); local memory:"
                + " flash_attention_backward_keys_128 8 B"),
                gpu.description());
        gpu.close();
    }

    @Test
    void withTheBuiltinGemmCublasIsNeitherLoadedNorCalledAndTheTiledKernelRuns() {
        NvrtcApi nvrtc = NvrtcTestCompiler.require();
        FakeNativeLibrary driverLib = new FakeNativeLibrary(DriverApi.FUNCTIONS);
        DriverApi driver = new DriverApi(driverLib.library("libcuda.so.1"));
        CudaGpu gpu = CudaGpu.open(driver, nvrtc, null, new CudaOptions(0, false, cache, true));
        assertTrue(gpu.description().endsWith("built-in GEMM)"), gpu.description());
        try (CudaBackend backend = new CudaBackend(gpu, gpu.description()); TensorScope s = backend.openScope()) {
            Tensor x = s.allocate(6);
            Tensor w = s.allocate(12);
            Tensor out = s.allocate(8);
            backend.matmul().forward(out, x, w, null, 2, 3, 4);
            List<Object> args = driverLib.calls("launch:gemm_tiled").get(0).arguments();
            // out(2,4) = x(2,3) W(4,3)^T: rows 2, cols 4, inner 3; A' = x (row stride 3), B'(k, j) = W[j*3 + k].
            assertEquals(List.of(2, 4, 3, 3, 1, 1, 3, 4, 0), args.subList(3, 12));
            assertEquals(List.of(1, 1, 1, 16, 16, 1, 0), driverLib.calls("cuLaunchKernel").get(0).arguments()
                    .subList(1, 8), "one 16 x 16 tile");
        }
    }

    @Test
    void theRemainingBindingsAcceptTheirArguments() {
        FakeNativeLibrary driverLib = new FakeNativeLibrary(DriverApi.FUNCTIONS);
        FakeNativeLibrary blasLib = new FakeNativeLibrary(CublasApi.FUNCTIONS);
        driverLib.behave("cuDriverGetVersion", 999, args -> {
            ((MemorySegment) args[0]).reinterpret(4).set(java.lang.foreign.ValueLayout.JAVA_INT, 0, 12040);
            return 0;
        });
        DriverApi driver = new DriverApi(driverLib.library("libcuda.so.1"));
        CublasApi cublas = new CublasApi(blasLib.library("libcublas.so.12"));
        assertEquals(12040, driver.driverVersion(), "the int cuDriverGetVersion writes");
        assertTrue(driver.errorName(700).contains("700"), "cuGetErrorName gave no name: the built-in text");
        driver.synchronizeContext("");
        driver.copyDeviceToDevice(0x7f00_0000_0000L, 0x7f00_0000_1000L, 64, MemorySegment.NULL, "");
        assertEquals(0, cublas.version(MemorySegment.ofAddress(0x10)));
        assertEquals(List.of(0x7f00_0000_0000L, 0x7f00_0000_1000L, 64L, MemorySegment.NULL),
                driverLib.calls("cuMemcpyDtoDAsync_v2").get(0).arguments());

        assertEquals("0.0.0", cublas.versionText(), "major, minor and patch through cublasGetProperty");
        assertEquals(List.of(0, 1, 2), blasLib.calls("cublasGetProperty").stream().map(c -> c.arguments().get(0))
                .toList());
        MemorySegment handle = MemorySegment.ofAddress(0x10);
        long a = 0x7f00_0000_0000L;
        long b = 0x7f00_0001_0000L;
        long c = 0x7f00_0002_0000L;
        cublas.gemm16(handle, new Gemm(true, false, 4, 3, 2, 1f, a, 2, b, 2, 0f, c, 4), CublasApi.R_16BF);
        List<Object> ex = blasLib.calls("cublasGemmEx").get(0).arguments();
        assertEquals(List.of(CublasApi.OP_T, CublasApi.OP_N, 4, 3, 2), ex.subList(1, 6));
        assertEquals(List.of(CublasApi.R_16BF, 2), ex.subList(8, 10), "A's type and lda");
        assertEquals(List.of(CublasApi.R_32F, 4, CublasApi.COMPUTE_32F, CublasApi.GEMM_DEFAULT), ex.subList(15, 19),
                "float32 C, ldc, float32 accumulation, the default algorithm");
        Gemm head = new Gemm(false, false, 2, 5, 5, 0.5f, a, 6, b, 5, 0f, c, 4);
        cublas.gemmStridedBatched(handle, new BatchedGemm(head, 2, 25, 2, 2), CublasApi.R_32F);
        List<Object> sb = blasLib.calls("cublasSgemmStridedBatched").get(0).arguments();
        assertEquals(List.of(6, 2L), sb.subList(8, 10), "lda, strideA (a long long)");
        assertEquals(List.of(4, 2L, 2), sb.subList(15, 18), "ldc, strideC, batch count");
        cublas.gemmStridedBatched(handle, new BatchedGemm(head, 2, 25, 2, 2), CublasApi.R_16BF);
        List<Object> bx = blasLib.calls("cublasGemmStridedBatchedEx").get(0).arguments();
        assertEquals(List.of(CublasApi.R_16BF, 6, 2L), bx.subList(8, 11));
        assertEquals(List.of(CublasApi.R_32F, 4, 2L, 2, CublasApi.COMPUTE_32F, CublasApi.GEMM_DEFAULT),
                bx.subList(17, 23));
    }
}
