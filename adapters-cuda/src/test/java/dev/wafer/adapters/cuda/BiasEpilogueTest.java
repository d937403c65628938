package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The linear layers' bias in the product's epilogue (cuBLASLt, {@link Gpu#gemmBias}): the same bits as the product
 * followed by the bias kernel, on the simulator; and the real {@link CudaGpu} driving the cuBLASLt bindings (upcall
 * stubs, {@link FakeNativeLibrary}): the descriptors it builds, one heuristic query per shape, the bias pointer and
 * workspace it passes, and what it does when cuBLASLt has no algorithm (the bias kernel, reported) or fails (an error).
 */
@HostOnly
class BiasEpilogueTest {
    private static final long SEED = 20261206L;

    /** One kernel cache for the class: NVRTC compiles the kernels once, not in every test (about 4 s each here). */
    @TempDir
    static Path cache;

    /** The forward's output of a linear layer with a bias, on the simulator, with or without the epilogue. */
    private static float[] forward(SimulatedGpu gpu, OperandFormat operands, int n, int c, int oc) {
        Random random = new Random(SEED);
        try (CudaBackend backend = new CudaBackend(gpu, "simulated"); TensorScope s = backend.openScope()) {
            MatmulKernel matmul = backend.matmul(operands);
            Tensor x = s.allocate((long) n * c);
            Tensor w = s.allocate((long) oc * c);
            Tensor b = s.allocate(oc);
            Tensor out = s.allocate((long) n * oc);
            x.copyFromHost(values(random, n * c));
            w.copyFromHost(values(random, oc * c));
            b.copyFromHost(values(random, oc));
            matmul.forward(out, x, w, b, n, c, oc);
            return out.toHost();
        }
    }

    private static float[] values(Random random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void theEpilogueGivesTheBitsOfTheProductAndTheBiasKernel() {
        for (OperandFormat operands : List.of(OperandFormat.FP32, OperandFormat.BF16, OperandFormat.FP16)) {
            SimulatedGpu epilogue = new SimulatedGpu(SimulatedDevice.simulator(), false);
            SimulatedGpu kernel = new SimulatedGpu(SimulatedDevice.simulator(), false).withoutBiasEpilogue();
            float[] fused = forward(epilogue, operands, 7, 24, 13);
            float[] separate = forward(kernel, operands, 7, 24, 13);
            assertEquals(1, epilogue.biasProducts(), operands + ": the bias went into the product's epilogue");
            assertEquals(0, kernel.biasProducts());
            assertArrayEquals(separate, fused, operands + " (seed " + SEED + "): the same bits either way");
        }
    }

    /** The real device layer over stand-in driver, cuBLAS and cuBLASLt upcalls, with what each Lt call was given. */
    private static final class Bound {
        final FakeNativeLibrary lt = new FakeNativeLibrary(CublasLtApi.FUNCTIONS);
        final List<String> attributes = new ArrayList<>();
        final List<String> layouts = new ArrayList<>();
        final List<String> preferences = new ArrayList<>();
        final List<String> matmuls = new ArrayList<>();
        int heuristics;
        /** The bias pointer the descriptor held at each heuristic query (0: none set, which reads as aligned). */
        final List<Long> heuristicBiases = new ArrayList<>();
        private long biasPointer;
        /** What the heuristic returns: 0 with one algorithm, or a cuBLAS status with none. */
        int heuristicStatus;
        /** What cublasLtMatmul returns. */
        int matmulStatus;
        final CudaGpu gpu;

        Bound(Path cache) {
            this(cache, new CudaOptions(0, false, cache));
        }

        Bound(Path cache, CudaOptions options) {
            lt.behave("cublasLtMatmulDescSetAttribute", 7, a -> {
                long bytes = (long) a[3];
                MemorySegment value = ((MemorySegment) a[2]).reinterpret(bytes);
                attributes.add(a[1] + "=" + (bytes == 8 ? value.get(JAVA_LONG, 0) : value.get(JAVA_INT, 0)));
                if ((int) a[1] == CublasLtApi.DESC_BIAS_POINTER) {
                    biasPointer = value.get(JAVA_LONG, 0);
                }
                return 0;
            });
            lt.behave("cublasLtMatrixLayoutCreate", 7, a -> {
                layouts.add("type " + a[1] + " " + a[2] + " x " + a[3] + " ld " + a[4]);
                ((MemorySegment) a[0]).reinterpret(8).set(ADDRESS, 0, MemorySegment.ofAddress(0x5000 + layouts.size()));
                return 0;
            });
            lt.behave("cublasLtMatmulDescCreate", 7, a -> {
                ((MemorySegment) a[0]).reinterpret(8).set(ADDRESS, 0, MemorySegment.ofAddress(0x6000));
                return 0;
            });
            lt.behave("cublasLtMatmulPreferenceSetAttribute", 7, a -> {
                long bytes = (long) a[3];
                MemorySegment value = ((MemorySegment) a[2]).reinterpret(bytes);
                preferences.add(a[1] + "=" + (bytes == 8 ? value.get(JAVA_LONG, 0) : value.get(JAVA_INT, 0)));
                return 0;
            });
            lt.behave("cublasLtMatmulAlgoGetHeuristic", 7, a -> {
                heuristics++;
                heuristicBiases.add(biasPointer);
                ((MemorySegment) a[9]).reinterpret(4).set(JAVA_INT, 0, heuristicStatus == 0 ? 1 : 0);
                return heuristicStatus;
            });
            lt.behave("cublasLtMatmul", 7, a -> {
                matmuls.add("alpha " + ((MemorySegment) a[2]).reinterpret(4).get(JAVA_FLOAT, 0) + " workspace "
                        + ((MemorySegment) a[13]).address() + " + " + a[14]);
                return matmulStatus;
            });
            FakeNativeLibrary driverLib = new FakeNativeLibrary(DriverApi.FUNCTIONS);
            FakeNativeLibrary blasLib = new FakeNativeLibrary(CublasApi.FUNCTIONS);
            gpu = CudaGpu.open(new DriverApi(driverLib.library("libcuda.so.1")), NvrtcTestCompiler.require(),
                    new CublasApi(blasLib.library("libcublas.so.12")),
                    new CublasLtApi(lt.library("libcublasLt.so.12")), options);
        }
    }

    @Test
    void theDeviceLayerPlansEachShapeOnceAndPassesTheBiasAndWorkspace() {
        Bound b = new Bound(cache);
        try (CudaGpu gpu = b.gpu) {
            assertTrue(gpu.description().contains("libcublasLt.so.12"), gpu.description());
            long w = gpu.allocate(4L * 13 * 24);
            long x = gpu.allocate(4L * 7 * 24);
            long y = gpu.allocate(4L * 7 * 13);
            long bias = gpu.allocate(4L * 13);
            Gemm product = new Gemm(true, false, 13, 7, 24, 1f, w, 24, x, 24, 0f, y, 13);
            assertTrue(gpu.gemmBias(product, CublasApi.R_32F, bias));
            assertTrue(gpu.gemmBias(product, CublasApi.R_32F, bias + 256));
            assertEquals(1, b.heuristics, "one heuristic query per shape, its plan kept");
            assertEquals(1, b.lt.calls("cublasLtMatmulDescCreate").size(), "one descriptor for the shape");
            var create = b.lt.calls("cublasLtMatmulDescCreate").get(0).arguments();
            assertEquals(List.of(CublasApi.COMPUTE_32F, CublasApi.R_32F), List.of(create.get(1), create.get(2)),
                    "float32 accumulation and scale, TF32 off");
            assertEquals(List.of(CublasLtApi.DESC_TRANSA + "=" + CublasApi.OP_T,
                            CublasLtApi.DESC_TRANSB + "=" + CublasApi.OP_N,
                            CublasLtApi.DESC_EPILOGUE + "=" + CublasLtApi.EPILOGUE_BIAS,
                            CublasLtApi.DESC_BIAS_POINTER + "=" + BiasEpilogue.BIAS_ALIGNMENT,
                            CublasLtApi.DESC_BIAS_POINTER + "=" + bias,
                            CublasLtApi.DESC_BIAS_POINTER + "=" + (bias + 256)), b.attributes);
            assertEquals(List.of("type 0 24 x 13 ld 24", "type 0 24 x 7 ld 24", "type 0 13 x 7 ld 13"), b.layouts,
                    "A as stored (k x m, transposed by the descriptor), B k x n, D m x n");
            assertEquals(List.of("1=" + CublasApi.WORKSPACE_BYTES, "5=256", "6=256", "7=256", "8=256"),
                    b.preferences, "the workspace Wafer gives cuBLAS, and the operands' alignment");
            // cuBLAS's workspace, the first allocation (FakeNativeLibrary's first device address), shared.
            assertEquals(List.of("alpha 1.0 workspace " + 0x7f00_0000_0000L + " + " + CublasApi.WORKSPACE_BYTES,
                    "alpha 1.0 workspace " + 0x7f00_0000_0000L + " + " + CublasApi.WORKSPACE_BYTES), b.matmuls);
            assertEquals("cuBLASLt on 1 of 1 shapes", gpu.biasEpilogue());
        }
    }

    /**
     * cuBLASLt's heuristic takes the bias's alignment from the pointer it is shown, a NULL one as fully aligned
     * ({@code cublasLt.h}), and a plan serves every bias of its shape down to {@link BiasEpilogue#BIAS_ALIGNMENT}
     * bytes: so the heuristic is shown a pointer of exactly that alignment, whatever bias came first (until
     * 2026-12-07 it was shown none, and could pick a kernel that faults on a 16-byte aligned bias).
     */
    @Test
    void theHeuristicIsShownTheLeastBiasAlignmentItsPlanServes() {
        Bound b = new Bound(cache);
        try (CudaGpu gpu = b.gpu) {
            long a = gpu.allocate(4L * 1024);
            assertEquals(256, BiasShape.alignment(a), "allocations are 256-byte aligned");
            Gemm product = new Gemm(true, false, 4, 2, 8, 1f, a, 8, a, 8, 0f, a, 4);
            assertTrue(gpu.gemmBias(product, CublasApi.R_32F, a + 512), "a 256-byte aligned bias plans the shape");
            assertTrue(gpu.gemmBias(product, CublasApi.R_32F, a + 16), "a 16-byte aligned one uses the same plan");
            assertEquals(1, b.heuristicBiases.size(), "one plan for the shape");
            long shown = b.heuristicBiases.get(0);
            assertTrue(shown != 0, "a NULL bias pointer reads as fully aligned");
            assertEquals(BiasEpilogue.BIAS_ALIGNMENT, Long.lowestOneBit(shown), "the bias pointer the heuristic saw: "
                    + shown);
            assertEquals(List.of(CublasLtApi.DESC_BIAS_POINTER + "=" + (a + 512),
                    CublasLtApi.DESC_BIAS_POINTER + "=" + (a + 16)), b.attributes.subList(b.attributes.size() - 2,
                    b.attributes.size()), "each call's own bias is set before it runs");
        }
    }

    @Test
    void aBiasLessThan16ByteAlignedGoesToTheKernelAndIsCounted() {
        Bound b = new Bound(cache);
        try (CudaGpu gpu = b.gpu) {
            long a = gpu.allocate(4L * 64);
            Gemm product = new Gemm(true, false, 4, 2, 8, 1f, a, 8, a, 8, 0f, a, 4);
            assertFalse(gpu.gemmBias(product, CublasApi.R_32F, a + 4), "4-byte aligned: nothing queued");
            assertFalse(gpu.gemmBias(product, CublasApi.R_32F, a + 8), "8-byte aligned: nothing queued");
            assertEquals(0, b.heuristics, "no plan is made for a bias the epilogue will not be given");
            assertTrue(b.matmuls.isEmpty());
            assertTrue(gpu.gemmBias(product, CublasApi.R_32F, a + 16), "16-byte aligned: the epilogue adds it");
            assertEquals(1, b.matmuls.size());
            assertEquals("cuBLASLt on 1 of 1 shapes; 2 calls with a bias not 16-byte aligned: a kernel added it",
                    gpu.biasEpilogue());
        }
    }

    @Test
    void aShapeWithoutAnAlgorithmFallsBackToTheKernelAndIsReported() {
        Bound b = new Bound(cache);
        b.heuristicStatus = CublasLtApi.STATUS_NOT_SUPPORTED;
        try (CudaGpu gpu = b.gpu) {
            long a = gpu.allocate(4L * 64);
            Gemm product = new Gemm(true, false, 4, 2, 8, 1f, a, 8, a, 8, 0f, a, 4);
            assertFalse(gpu.gemmBias(product, CublasApi.R_16BF, a));
            assertFalse(gpu.gemmBias(product, CublasApi.R_16BF, a), "the refusal is kept for the shape");
            assertEquals(1, b.heuristics);
            assertTrue(b.matmuls.isEmpty());
            assertEquals("cuBLASLt on 0 of 1 shapes (no algorithm for TN m=4 n=2 k=8 bf16 operands: a kernel adds"
                    + " their bias)", gpu.biasEpilogue());
            assertEquals(3, b.lt.calls("cublasLtMatrixLayoutDestroy").size(), "the refused plan's layouts are destroyed");
            assertEquals(1, b.lt.calls("cublasLtMatmulDescDestroy").size(), "and its descriptor");
        }
    }

    @Test
    void aCallRefusedAtTheMatmulFallsBackFromThenOn() {
        Bound b = new Bound(cache);
        b.matmulStatus = CublasLtApi.STATUS_NOT_SUPPORTED;
        try (CudaGpu gpu = b.gpu) {
            long a = gpu.allocate(4L * 64);
            Gemm product = new Gemm(true, false, 4, 2, 8, 1f, a, 8, a, 8, 0f, a, 4);
            assertFalse(gpu.gemmBias(product, CublasApi.R_32F, a), "nothing queued: the caller adds the bias");
            assertFalse(gpu.gemmBias(product, CublasApi.R_32F, a));
            assertEquals(1, b.matmuls.size(), "not asked again for the shape");
            assertTrue(gpu.biasEpilogue().startsWith("cuBLASLt on 0 of 1 shapes (no algorithm for TN m=4"),
                    gpu.biasEpilogue());
            b.matmulStatus = 13; // CUBLAS_STATUS_EXECUTION_FAILED on another shape: an error
            Gemm other = new Gemm(true, false, 4, 1, 8, 1f, a, 8, a, 8, 0f, a, 4);
            assertThrows(CudaFailure.class, () -> gpu.gemmBias(other, CublasApi.R_32F, a));
        }
    }

    @Test
    void theEpilogueCanBeTurnedOffToTimeTheKernelsAgainstIt() {
        CudaOptions off = CudaOptions.fromEnvironment(java.util.Map.of(CudaOptions.BIAS_EPILOGUE_VARIABLE, "0"));
        assertFalse(off.biasEpilogue());
        assertTrue(CudaOptions.fromEnvironment(java.util.Map.of()).biasEpilogue(), "on by default");
        assertTrue(off.onLocalRank(1, 2).biasEpilogue() == off.biasEpilogue(), "kept for every rank");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudaOptions.fromEnvironment(
                java.util.Map.of(CudaOptions.BIAS_EPILOGUE_VARIABLE, "yes")));
        assertEquals("WAFER_CUDA_BIAS_EPILOGUE: expected 1 (cuBLASLt's epilogue adds the bias) or 0 (a kernel does),"
                + " found 'yes'", e.getMessage());
        Bound b = new Bound(cache, new CudaOptions(off.device(), false, cache, false, false, true, false));
        try (CudaGpu gpu = b.gpu) {
            long a = gpu.allocate(4L * 64);
            assertFalse(gpu.gemmBias(new Gemm(true, false, 4, 2, 8, 1f, a, 8, a, 8, 0f, a, 4), CublasApi.R_32F, a));
            assertEquals("off (WAFER_CUDA_BIAS_EPILOGUE=0: kernels add the biases)", gpu.biasEpilogue());
            assertTrue(b.lt.calls().isEmpty(), "cuBLASLt is not even created");
        }
    }

    @Test
    void cublasLtIsLoadedInTheMajorVersionOfCublas() {
        assertEquals(List.of("libcublasLt.so.12"), CublasLtApi.sonames("libcublas.so.12"));
        assertEquals(List.of("libcublasLt.so.13"), CublasLtApi.sonames("libcublas.so.13"));
        assertEquals(CublasLtApi.SONAMES, CublasLtApi.sonames("libcublas.so.14"), "an unknown major: any");
    }

    @Test
    void aFailingHeuristicIsAnErrorNotAFallback() {
        Bound b = new Bound(cache);
        b.heuristicStatus = 7; // CUBLAS_STATUS_INVALID_VALUE: a wrong call, which must not pass for "no algorithm"
        try (CudaGpu gpu = b.gpu) {
            long a = gpu.allocate(4L * 64);
            Gemm product = new Gemm(true, false, 4, 2, 8, 1f, a, 8, a, 8, 0f, a, 4);
            CudaFailure e = assertThrows(CudaFailure.class, () -> gpu.gemmBias(product, CublasApi.R_32F, a));
            assertTrue(e.getMessage().contains("cublasLtMatmulAlgoGetHeuristic"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> gpu.gemmBias(new Gemm(true, false, 4, 2, 8, 1f, a, 8,
                    a, 8, 1f, a, 4), CublasApi.R_32F, a), "beta 1 would read C: the epilogue is for beta 0");
        }
    }
}
