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
 * cuBLASLt ({@code cublasLt.h}) through FFM: the linear layer's forward product with its bias added in the GEMM's
 * epilogue ({@code CUBLASLT_EPILOGUE_BIAS}), so the float32 output is written once instead of written, read and
 * written again by a separate bias kernel. cuBLAS itself links against this library, so it is present wherever
 * cuBLAS is. The bias has the output's type, float32: {@code CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE} is not set, so
 * bf16 outputs keep their bias kernel (a bf16 bias would be rounded; a float32 one with a bf16 output is a
 * combination no GPU has checked here).
 */
final class CublasLtApi {
    static final List<String> SONAMES = List.of("libcublasLt.so.13", "libcublasLt.so.12", "libcublasLt.so.11");

    /** {@code CUBLASLT_MATMUL_DESC_TRANSA} (int32 {@code cublasOperation_t}). */
    static final int DESC_TRANSA = 3;
    /** {@code CUBLASLT_MATMUL_DESC_TRANSB}. */
    static final int DESC_TRANSB = 4;
    /** {@code CUBLASLT_MATMUL_DESC_EPILOGUE} (uint32 {@code cublasLtEpilogue_t}). */
    static final int DESC_EPILOGUE = 7;
    /** {@code CUBLASLT_MATMUL_DESC_BIAS_POINTER} (a device pointer). */
    static final int DESC_BIAS_POINTER = 8;
    /** {@code CUBLASLT_EPILOGUE_BIAS}: adds the bias vector (one value per row of D) to every column. */
    static final int EPILOGUE_BIAS = 4;
    /** {@code CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES} (uint64). */
    static final int PREF_MAX_WORKSPACE_BYTES = 1;
    /** {@code CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES}; B, C and D follow as 6, 7 and 8 (uint32 each). */
    static final int PREF_MIN_ALIGNMENT_A_BYTES = 5;
    /** {@code CUBLAS_COMPUTE_32F_FAST_TF32}: float32 products on TF32 tensor cores, only when TF32 is asked for. */
    static final int COMPUTE_32F_FAST_TF32 = 77;
    /** {@code CUBLAS_STATUS_NOT_SUPPORTED}: no algorithm for the problem, which is not an error of the call. */
    static final int STATUS_NOT_SUPPORTED = 15;
    /** {@code sizeof(cublasLtMatmulHeuristicResult_t)}: the algorithm (64 bytes), workspace size, state, waves, 4 ints. */
    static final long HEURISTIC_RESULT_BYTES = 96;
    /** {@code sizeof(cublasLtMatmulAlgo_t)}. */
    static final long ALGO_BYTES = 64;

    /** Every bound function with its descriptor, in {@code cublasLt.h}'s terms (checked by a test). */
    static final Map<String, FunctionDescriptor> FUNCTIONS = functions();

    private final String soname;
    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle descCreate;
    private final MethodHandle descDestroy;
    private final MethodHandle descSetAttribute;
    private final MethodHandle layoutCreate;
    private final MethodHandle layoutDestroy;
    private final MethodHandle preferenceCreate;
    private final MethodHandle preferenceDestroy;
    private final MethodHandle preferenceSetAttribute;
    private final MethodHandle heuristic;
    private final MethodHandle matmul;

    CublasLtApi(NativeLibrary library) {
        soname = library.soname();
        Map<String, MethodHandle> h = library.bindAll(FUNCTIONS, CublasApi.REMEDY);
        create = h.get("cublasLtCreate");
        destroy = h.get("cublasLtDestroy");
        descCreate = h.get("cublasLtMatmulDescCreate");
        descDestroy = h.get("cublasLtMatmulDescDestroy");
        descSetAttribute = h.get("cublasLtMatmulDescSetAttribute");
        layoutCreate = h.get("cublasLtMatrixLayoutCreate");
        layoutDestroy = h.get("cublasLtMatrixLayoutDestroy");
        preferenceCreate = h.get("cublasLtMatmulPreferenceCreate");
        preferenceDestroy = h.get("cublasLtMatmulPreferenceDestroy");
        preferenceSetAttribute = h.get("cublasLtMatmulPreferenceSetAttribute");
        heuristic = h.get("cublasLtMatmulAlgoGetHeuristic");
        matmul = h.get("cublasLtMatmul");
    }

    /**
     * Loads the cuBLASLt of the cuBLAS that loaded ({@code libcublas.so.12} takes {@code libcublasLt.so.12}: mixing
     * major versions is not supported); throws {@link CudaUnavailableException} with cuBLAS's remedy when absent.
     */
    static CublasLtApi load(String cublasSoname) {
        return new CublasLtApi(NativeLibrary.open("cuBLASLt", sonames(cublasSoname), CublasApi.REMEDY));
    }

    /** The soname matching {@code cublasSoname}'s major version, or all of {@link #SONAMES} for an unknown one. */
    static List<String> sonames(String cublasSoname) {
        String major = cublasSoname.substring(cublasSoname.lastIndexOf(".so.") + 4);
        List<String> matching = SONAMES.stream().filter(s -> s.endsWith(".so." + major)).toList();
        return matching.isEmpty() ? SONAMES : matching;
    }

    private static Map<String, FunctionDescriptor> functions() {
        Map<String, FunctionDescriptor> f = new LinkedHashMap<>();
        f.put("cublasLtCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulDescCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        f.put("cublasLtMatmulDescDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulDescSetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                JAVA_LONG));
        f.put("cublasLtMatrixLayoutCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_LONG,
                JAVA_LONG));
        f.put("cublasLtMatrixLayoutDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulPreferenceCreate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulPreferenceDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        f.put("cublasLtMatmulPreferenceSetAttribute", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS,
                JAVA_LONG));
        f.put("cublasLtMatmulAlgoGetHeuristic", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        f.put("cublasLtMatmul", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        return Collections.unmodifiableMap(f);
    }

    String soname() {
        return soname;
    }

    MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            check("cublasLtCreate", NativeLibrary.status(create, handle), "");
            return handle.get(ADDRESS, 0);
        }
    }

    void destroy(MemorySegment handle) {
        check("cublasLtDestroy", NativeLibrary.status(destroy, handle), "");
    }

    /**
     * The descriptors of {@code D = op(A) op(B) + bias} for one shape, and the algorithm cuBLASLt's heuristic picks
     * for it with {@code workspaceBytes} of workspace, operands aligned to {@code alignments} bytes (A, B, C, D:
     * the heuristic otherwise assumes 256) and biases aligned to {@code biasAlignment} bytes, the least alignment of
     * any bias the plan will be used with. {@code operandType} for A and B, float32 C and D and bias, float32
     * accumulation ({@code computeType} {@link CublasApi#COMPUTE_32F}, or {@link #COMPUTE_32F_FAST_TF32}).
     *
     * @return the plan, or {@code null} where cuBLASLt has no algorithm for it ({@code CUBLAS_STATUS_NOT_SUPPORTED}
     *         or none returned); any other failure throws
     */
    BiasPlan plan(MemorySegment handle, Gemm g, int operandType, int computeType, long workspaceBytes,
                  int[] alignments, int biasAlignment) {
        if (Integer.bitCount(biasAlignment) != 1) {
            throw new IllegalArgumentException("a bias alignment is a power of two, found " + biasAlignment);
        }
        BiasPlan plan = new BiasPlan(Arena.ofShared());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasLtMatmulDescCreate", NativeLibrary.status(descCreate, out, computeType, CublasApi.R_32F),
                    g.toString());
            plan.desc = out.get(ADDRESS, 0);
            setInt(plan.desc, DESC_TRANSA, g.transA() ? CublasApi.OP_T : CublasApi.OP_N, arena, g);
            setInt(plan.desc, DESC_TRANSB, g.transB() ? CublasApi.OP_T : CublasApi.OP_N, arena, g);
            setInt(plan.desc, DESC_EPILOGUE, EPILOGUE_BIAS, arena, g);
            // The heuristic does not read the bias but takes its alignment from the pointer (cublasLt.h on
            // CUBLASLT_MATMUL_DESC_BIAS_POINTER), and reads NULL as fully aligned: it could then pick a kernel that
            // faults on the 16-byte aligned biases this plan also serves. So it is shown an address of exactly the
            // least alignment; matmul sets each call's real bias before it runs.
            check("cublasLtMatmulDescSetAttribute", NativeLibrary.status(descSetAttribute, plan.desc,
                    DESC_BIAS_POINTER, arena.allocateFrom(JAVA_LONG, biasAlignment), 8L), "bias alignment of " + g);
            plan.a = layout(operandType, g.transA() ? g.k() : g.m(), g.transA() ? g.m() : g.k(), g.lda(), arena, g);
            plan.b = layout(operandType, g.transB() ? g.n() : g.k(), g.transB() ? g.k() : g.n(), g.ldb(), arena, g);
            plan.d = layout(CublasApi.R_32F, g.m(), g.n(), g.ldc(), arena, g);
            check("cublasLtMatmulPreferenceCreate", NativeLibrary.status(preferenceCreate, out), "");
            MemorySegment preference = out.get(ADDRESS, 0);
            try {
                MemorySegment bytes = arena.allocateFrom(JAVA_LONG, workspaceBytes);
                check("cublasLtMatmulPreferenceSetAttribute", NativeLibrary.status(preferenceSetAttribute,
                        preference, PREF_MAX_WORKSPACE_BYTES, bytes, 8L), "max workspace");
                for (int i = 0; i < 4; i++) {
                    MemorySegment alignment = arena.allocateFrom(JAVA_INT, alignments[i]);
                    check("cublasLtMatmulPreferenceSetAttribute", NativeLibrary.status(preferenceSetAttribute,
                            preference, PREF_MIN_ALIGNMENT_A_BYTES + i, alignment, 4L), "alignment");
                }
                MemorySegment result = arena.allocate(HEURISTIC_RESULT_BYTES, 8);
                MemorySegment returned = arena.allocate(JAVA_INT);
                int status = NativeLibrary.status(heuristic, handle, plan.desc, plan.a, plan.b, plan.d, plan.d,
                        preference, 1, result, returned);
                if (status != STATUS_NOT_SUPPORTED) {
                    check("cublasLtMatmulAlgoGetHeuristic", status, g.toString());
                }
                // A returned algorithm whose state is not CUBLAS_STATUS_SUCCESS cannot run either.
                if (status != 0 || returned.get(JAVA_INT, 0) == 0 || result.get(JAVA_INT, ALGO_BYTES + 8) != 0) {
                    plan.close(this);
                    return null;
                }
                plan.algo = plan.arena.allocate(ALGO_BYTES, 8);
                MemorySegment.copy(result, 0, plan.algo, 0, ALGO_BYTES);
                plan.workspaceBytes = result.get(JAVA_LONG, ALGO_BYTES);
            } finally {
                NativeLibrary.status(preferenceDestroy, preference);
            }
        } catch (RuntimeException e) {
            plan.close(this);
            throw e;
        }
        return plan;
    }

    private void setInt(MemorySegment desc, int attribute, int value, Arena arena, Gemm g) {
        check("cublasLtMatmulDescSetAttribute", NativeLibrary.status(descSetAttribute, desc, attribute,
                arena.allocateFrom(JAVA_INT, value), 4L), "attribute " + attribute + " of " + g);
    }

    private MemorySegment layout(int type, long rows, long cols, long ld, Arena arena, Gemm g) {
        MemorySegment out = arena.allocate(ADDRESS);
        check("cublasLtMatrixLayoutCreate", NativeLibrary.status(layoutCreate, out, type, rows, cols, ld),
                rows + " x " + cols + ", ld " + ld + " of " + g);
        return out.get(ADDRESS, 0);
    }

    /**
     * Queues {@code D = alpha op(A) op(B) + bias} by {@code plan} on {@code stream} (C is D, beta 0).
     *
     * @return false, with nothing queued, where cuBLASLt refuses the call with {@code CUBLAS_STATUS_NOT_SUPPORTED}
     *         (an algorithm the heuristic offered that cannot run these operands); any other failure throws
     */
    boolean matmul(MemorySegment handle, BiasPlan plan, Gemm g, long bias, long workspace, long workspaceBytes,
                   MemorySegment stream) {
        try (Arena arena = Arena.ofConfined()) {
            check("cublasLtMatmulDescSetAttribute", NativeLibrary.status(descSetAttribute, plan.desc,
                    DESC_BIAS_POINTER, arena.allocateFrom(JAVA_LONG, bias), 8L), "bias of " + g);
            MemorySegment alpha = arena.allocateFrom(JAVA_FLOAT, g.alpha());
            MemorySegment beta = arena.allocateFrom(JAVA_FLOAT, 0f);
            MemorySegment d = MemorySegment.ofAddress(g.c());
            int result = NativeLibrary.status(matmul, handle, plan.desc, alpha, MemorySegment.ofAddress(g.a()),
                    plan.a, MemorySegment.ofAddress(g.b()), plan.b, beta, d, plan.d, d, plan.d, plan.algo,
                    MemorySegment.ofAddress(workspace), workspaceBytes, stream);
            if (result == STATUS_NOT_SUPPORTED) {
                return false;
            }
            check("cublasLtMatmul", result, g + " with bias");
            return true;
        }
    }

    private static void check(String call, int result, String what) {
        if (result != 0) {
            throw new CudaFailure(call + (what.isEmpty() ? "" : " (" + what + ")") + " failed: cuBLAS status "
                    + result, result, result == CublasApi.CUBLAS_STATUS_ALLOC_FAILED);
        }
    }

    /** One shape's descriptors and chosen algorithm, kept for the run and destroyed with the device. */
    static final class BiasPlan {
        private final Arena arena;
        private MemorySegment desc = MemorySegment.NULL;
        private MemorySegment a = MemorySegment.NULL;
        private MemorySegment b = MemorySegment.NULL;
        private MemorySegment d = MemorySegment.NULL;
        private MemorySegment algo = MemorySegment.NULL;
        private long workspaceBytes;

        private BiasPlan(Arena arena) {
            this.arena = arena;
        }

        /** The workspace the chosen algorithm needs (at most the preference's maximum). */
        long workspaceBytes() {
            return workspaceBytes;
        }

        void close(CublasLtApi api) {
            for (MemorySegment layout : new MemorySegment[] {a, b, d}) {
                if (!layout.equals(MemorySegment.NULL)) {
                    NativeLibrary.status(api.layoutDestroy, layout);
                }
            }
            if (!desc.equals(MemorySegment.NULL)) {
                NativeLibrary.status(api.descDestroy, desc);
            }
            arena.close();
        }
    }
}
