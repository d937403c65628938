package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cuBLAS ({@code cublas_api.h}) through FFM: the float32 GEMMs of the linear layers. The handle works on the
 * backend's stream in the default (host) pointer mode, so {@code alpha} and {@code beta} live in host memory.
 * Math mode: {@code CUBLAS_DEFAULT_MATH} (no TF32: float32 products as the contract tolerances assume) unless TF32
 * is asked for, then {@code CUBLAS_TF32_TENSOR_OP_MATH}.
 */
final class CublasApi {
    static final List<String> SONAMES = List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so.11");
    /** What to install, and where pip's wheels put cuBLAS and cuBLASLt (as {@link NvrtcApi#REMEDY} says). */
    static final String REMEDY = "Install cuBLAS from the CUDA toolkit 11 or later (e.g. libcublas12; pip:"
            + " nvidia-cublas for CUDA 13, which puts it in site-packages/nvidia/cu13/lib, or nvidia-cublas-cu12 for"
            + " CUDA 12, in site-packages/nvidia/cublas/lib) and make it visible to ldconfig or LD_LIBRARY_PATH (for a"
            + " pip wheel, that lib folder; ./wafer adds site-packages/nvidia/*/lib itself when the backend is cuda)";

    /** {@code CUBLAS_OP_N}. */
    static final int OP_N = 0;
    /** {@code CUBLAS_OP_T}. */
    static final int OP_T = 1;
    /** {@code CUBLAS_DEFAULT_MATH}. */
    static final int DEFAULT_MATH = 0;
    /** {@code CUBLAS_TF32_TENSOR_OP_MATH}. */
    static final int TF32_TENSOR_OP_MATH = 3;
    /** {@code CUDA_R_32F}. */
    static final int R_32F = 0;
    /** {@code CUDA_R_16F}. */
    static final int R_16F = 2;
    /** {@code CUDA_R_16BF}. */
    static final int R_16BF = 14;
    /** {@code CUBLAS_COMPUTE_32F}: float32 accumulation (tensor cores for 16-bit inputs). */
    static final int COMPUTE_32F = 68;
    /** {@code CUBLAS_GEMM_DEFAULT}. */
    static final int GEMM_DEFAULT = -1;

    /**
     * The workspace every handle is given ({@code cublasSetWorkspace}): 32 MiB, cuBLAS's recommendation for Hopper
     * (4 MiB for earlier devices). Wafer allocates it, so the memory estimate counts it exactly and cuBLAS allocates
     * nothing of its own during a step.
     */
    static final long WORKSPACE_BYTES = 32L << 20;

    /** Every bound function with its descriptor, in {@code cublas_api.h}'s terms (checked by a test). */
    static final Map<String, FunctionDescriptor> FUNCTIONS = functions();

    /** {@code CUBLAS_STATUS_ALLOC_FAILED}: cuBLAS (or cuBLASLt) could not allocate device memory. */
    static final int CUBLAS_STATUS_ALLOC_FAILED = 3;

    private static final Map<Integer, String> STATUS = Map.of(
            1, "CUBLAS_STATUS_NOT_INITIALIZED", 3, "CUBLAS_STATUS_ALLOC_FAILED", 7, "CUBLAS_STATUS_INVALID_VALUE",
            8, "CUBLAS_STATUS_ARCH_MISMATCH", 11, "CUBLAS_STATUS_MAPPING_ERROR", 13, "CUBLAS_STATUS_EXECUTION_FAILED",
            14, "CUBLAS_STATUS_INTERNAL_ERROR", 15, "CUBLAS_STATUS_NOT_SUPPORTED", 16, "CUBLAS_STATUS_LICENSE_ERROR");

    private final String soname;
    private final MethodHandle cublasCreate;
    private final MethodHandle cublasDestroy;
    private final MethodHandle cublasSetStream;
    private final MethodHandle cublasSetMathMode;
    private final MethodHandle cublasSetWorkspace;
    private final MethodHandle cublasGetVersion;
    private final MethodHandle cublasSgemm;
    private final MethodHandle cublasGemmEx;
    private final MethodHandle cublasSgemmStridedBatched;
    private final MethodHandle cublasGemmStridedBatchedEx;
    private final MethodHandle cublasGetProperty;

    CublasApi(NativeLibrary library) {
        soname = library.soname();
        Map<String, MethodHandle> h = library.bindAll(FUNCTIONS, REMEDY);
        cublasCreate = h.get("cublasCreate_v2");
        cublasDestroy = h.get("cublasDestroy_v2");
        cublasSetStream = h.get("cublasSetStream_v2");
        cublasSetMathMode = h.get("cublasSetMathMode");
        cublasSetWorkspace = h.get("cublasSetWorkspace_v2");
        cublasGetVersion = h.get("cublasGetVersion_v2");
        cublasSgemm = h.get("cublasSgemm_v2");
        cublasGemmEx = h.get("cublasGemmEx");
        cublasSgemmStridedBatched = h.get("cublasSgemmStridedBatched");
        cublasGemmStridedBatchedEx = h.get("cublasGemmStridedBatchedEx");
        cublasGetProperty = h.get("cublasGetProperty");
    }

    /**
     * Loads cuBLAS, preferring a major the driver runs ({@link NativeLibrary#preferringMajor}; {@code cudaMajor} 0:
     * unknown); throws {@link CudaUnavailableException} with the remedy when absent or too old.
     */
    static CublasApi load(int cudaMajor) {
        return new CublasApi(NativeLibrary.open("cuBLAS", NativeLibrary.preferringMajor(SONAMES, cudaMajor), REMEDY));
    }

    private static Map<String, FunctionDescriptor> functions() {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cublasSetWorkspace_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
        f.put("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        f.put("cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT));
        f.put("cublasSgemmStridedBatched", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS,
                ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
        f.put("cublasGemmStridedBatchedEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_LONG, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT));
        f.put("cublasGetProperty", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        return Collections.unmodifiableMap(f);
    }

    String soname() {
        return soname;
    }

    MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            check("cublasCreate", NativeLibrary.status(cublasCreate, handle), "");
            return handle.get(ADDRESS, 0);
        }
    }

    void destroy(MemorySegment handle) {
        check("cublasDestroy", NativeLibrary.status(cublasDestroy, handle), "");
    }

    void setStream(MemorySegment handle, MemorySegment stream) {
        check("cublasSetStream", NativeLibrary.status(cublasSetStream, handle, stream), "");
    }

    void setMathMode(MemorySegment handle, int mode) {
        check("cublasSetMathMode", NativeLibrary.status(cublasSetMathMode, handle, mode), "");
    }

    /** Gives the handle {@code bytes} of device memory at {@code pointer} as its workspace. */
    void setWorkspace(MemorySegment handle, long pointer, long bytes) {
        check("cublasSetWorkspace", NativeLibrary.status(cublasSetWorkspace, handle, MemorySegment.ofAddress(pointer),
                bytes), "");
    }

    /** E.g. 120804 for cuBLAS 12.8.4. */
    int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check("cublasGetVersion", NativeLibrary.status(cublasGetVersion, handle, version), "");
            return version.get(JAVA_INT, 0);
        }
    }

    /** The library's version, e.g. {@code 12.8.4}, without a handle ({@code cublasGetProperty}). */
    String versionText() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            StringBuilder text = new StringBuilder();
            for (int property = 0; property < 3; property++) { // MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
                check("cublasGetProperty", NativeLibrary.status(cublasGetProperty, property, value), "");
                text.append(property == 0 ? "" : ".").append(value.get(JAVA_INT, 0));
            }
            return text.toString();
        }
    }

    /**
     * Column-major {@code C = alpha op(A) op(B) + beta C} with 16-bit operands ({@code operandType}
     * {@link #R_16BF} or {@link #R_16F}) and a float32 output, accumulated in float32 ({@link #COMPUTE_32F}):
     * cuBLAS runs it on tensor cores. Leading dimensions are in elements.
     */
    void gemm16(MemorySegment handle, Gemm g, int operandType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alpha = arena.allocateFrom(JAVA_FLOAT, g.alpha());
            MemorySegment beta = arena.allocateFrom(JAVA_FLOAT, g.beta());
            int result = NativeLibrary.status(cublasGemmEx, handle, g.transA() ? OP_T : OP_N,
                    g.transB() ? OP_T : OP_N, g.m(), g.n(), g.k(), alpha, MemorySegment.ofAddress(g.a()), operandType,
                    g.lda(), MemorySegment.ofAddress(g.b()), operandType, g.ldb(), beta,
                    MemorySegment.ofAddress(g.c()), R_32F, g.ldc(), COMPUTE_32F, GEMM_DEFAULT);
            check("cublasGemmEx", result, g.toString());
        }
    }

    /**
     * {@code count} column-major products {@code C_i = alpha op(A_i) op(B_i) + beta C_i}, the i-th operands
     * {@code i * stride} elements after the first; float32 throughout when {@code operandType} is {@link #R_32F},
     * else 16-bit A and B with float32 C and accumulation.
     */
    void gemmStridedBatched(MemorySegment handle, BatchedGemm g, int operandType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alpha = arena.allocateFrom(JAVA_FLOAT, g.alpha());
            MemorySegment beta = arena.allocateFrom(JAVA_FLOAT, g.beta());
            int ta = g.transA() ? OP_T : OP_N;
            int tb = g.transB() ? OP_T : OP_N;
            MemorySegment a = MemorySegment.ofAddress(g.a());
            MemorySegment b = MemorySegment.ofAddress(g.b());
            MemorySegment c = MemorySegment.ofAddress(g.c());
            int result = operandType == R_32F
                    ? NativeLibrary.status(cublasSgemmStridedBatched, handle, ta, tb, g.m(), g.n(), g.k(), alpha, a,
                            g.lda(), g.strideA(), b, g.ldb(), g.strideB(), beta, c, g.ldc(), g.strideC(), g.count())
                    : NativeLibrary.status(cublasGemmStridedBatchedEx, handle, ta, tb, g.m(), g.n(), g.k(), alpha, a,
                            operandType, g.lda(), g.strideA(), b, operandType, g.ldb(), g.strideB(), beta, c, R_32F,
                            g.ldc(), g.strideC(), g.count(), COMPUTE_32F, GEMM_DEFAULT);
            check(operandType == R_32F ? "cublasSgemmStridedBatched" : "cublasGemmStridedBatchedEx", result,
                    g.toString());
        }
    }

    /** Column-major {@code C = alpha op(A) op(B) + beta C}; device pointers as {@code long}. */
    void sgemm(MemorySegment handle, Gemm g) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment alpha = arena.allocateFrom(JAVA_FLOAT, g.alpha());
            MemorySegment beta = arena.allocateFrom(JAVA_FLOAT, g.beta());
            int result = NativeLibrary.status(cublasSgemm, handle, g.transA() ? OP_T : OP_N,
                    g.transB() ? OP_T : OP_N, g.m(), g.n(), g.k(), alpha, MemorySegment.ofAddress(g.a()), g.lda(), MemorySegment.ofAddress(g.b()),
                    g.ldb(), beta, MemorySegment.ofAddress(g.c()), g.ldc());
            check("cublasSgemm", result, g.toString());
        }
    }

    private static void check(String call, int result, String what) {
        if (result != 0) {
            throw new CudaFailure(call + (what.isEmpty() ? "" : " (" + what + ")") + " failed: "
                    + STATUS.getOrDefault(result, "cuBLAS status") + " (" + result + ")", result,
                    result == CUBLAS_STATUS_ALLOC_FAILED);
        }
    }
}
