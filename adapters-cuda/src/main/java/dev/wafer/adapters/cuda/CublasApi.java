package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
    static final String REMEDY = "Install cuBLAS from the CUDA toolkit 11 or later (e.g. libcublas12, or pip's"
            + " nvidia-cublas-cu12) and make it visible to ldconfig or LD_LIBRARY_PATH";

    /** {@code CUBLAS_OP_N}. */
    static final int OP_N = 0;
    /** {@code CUBLAS_OP_T}. */
    static final int OP_T = 1;
    /** {@code CUBLAS_DEFAULT_MATH}. */
    static final int DEFAULT_MATH = 0;
    /** {@code CUBLAS_TF32_TENSOR_OP_MATH}. */
    static final int TF32_TENSOR_OP_MATH = 3;

    /** Every bound function with its descriptor, in {@code cublas_api.h}'s terms (checked by a test). */
    static final Map<String, FunctionDescriptor> FUNCTIONS = functions();

    private static final Map<Integer, String> STATUS = Map.of(
            1, "CUBLAS_STATUS_NOT_INITIALIZED", 3, "CUBLAS_STATUS_ALLOC_FAILED", 7, "CUBLAS_STATUS_INVALID_VALUE",
            8, "CUBLAS_STATUS_ARCH_MISMATCH", 11, "CUBLAS_STATUS_MAPPING_ERROR", 13, "CUBLAS_STATUS_EXECUTION_FAILED",
            14, "CUBLAS_STATUS_INTERNAL_ERROR", 15, "CUBLAS_STATUS_NOT_SUPPORTED", 16, "CUBLAS_STATUS_LICENSE_ERROR");

    private final String soname;
    private final MethodHandle cublasCreate;
    private final MethodHandle cublasDestroy;
    private final MethodHandle cublasSetStream;
    private final MethodHandle cublasSetMathMode;
    private final MethodHandle cublasGetVersion;
    private final MethodHandle cublasSgemm;

    CublasApi(NativeLibrary library) {
        soname = library.soname();
        Map<String, MethodHandle> h = library.bindAll(FUNCTIONS, REMEDY);
        cublasCreate = h.get("cublasCreate_v2");
        cublasDestroy = h.get("cublasDestroy_v2");
        cublasSetStream = h.get("cublasSetStream_v2");
        cublasSetMathMode = h.get("cublasSetMathMode");
        cublasGetVersion = h.get("cublasGetVersion_v2");
        cublasSgemm = h.get("cublasSgemm_v2");
    }

    /** Loads cuBLAS; throws {@link CudaUnavailableException} with the remedy when absent or too old. */
    static CublasApi load() {
        return new CublasApi(NativeLibrary.open("cuBLAS", SONAMES, REMEDY));
    }

    private static Map<String, FunctionDescriptor> functions() {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        f.put("cublasGetVersion_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        f.put("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
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

    /** E.g. 120804 for cuBLAS 12.8.4. */
    int version(MemorySegment handle) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check("cublasGetVersion", NativeLibrary.status(cublasGetVersion, handle, version), "");
            return version.get(JAVA_INT, 0);
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
                    + STATUS.getOrDefault(result, "cuBLAS status") + " (" + result + ")", result);
        }
    }
}
