package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real device layer ({@link CudaGpu}, with the real NVRTC compiling every kernel) over stand-in driver and
 * cuBLAS libraries ({@link FakeNativeLibrary}) that do the work: memory and copies on a {@link SimulatedGpu},
 * {@code cuLaunchKernel} by the {@link CudaSimulator}, and the four cuBLAS GEMMs decoded from their C arguments in
 * cuBLAS's documented order and computed by {@link SimulatedGpu}'s reference GEMM. So the FFM marshalling of every
 * call (argument order, leading dimensions, strides, the alpha/beta pointers, data and compute types) is checked by
 * the values it produces, which {@link SimulatedGpu} alone, called from Java, cannot show. cuBLASLt's bias epilogue
 * likewise: its descriptors and layouts are kept as {@code cublasLt.h} defines their attributes, and
 * {@code cublasLtMatmul} is decoded from them and computed by {@link SimulatedGpu#gemmBias}.
 */
final class SimulatedDriver {
    /** {@code CUDA_ERROR_LAUNCH_FAILED}: what a kernel fault looks like to the backend. */
    static final int LAUNCH_FAILED = 719;
    /** {@code CUDA_ERROR_INVALID_VALUE}. */
    static final int INVALID_VALUE = 1;
    /** {@code CUBLAS_STATUS_INVALID_VALUE}. */
    static final int BLAS_INVALID_VALUE = 7;
    /** {@code CUBLAS_STATUS_EXECUTION_FAILED}. */
    static final int BLAS_EXECUTION_FAILED = 13;

    private final FakeNativeLibrary driverLibrary = new FakeNativeLibrary(DriverApi.FUNCTIONS);
    private final FakeNativeLibrary blasLibrary = new FakeNativeLibrary(CublasApi.FUNCTIONS);
    private final FakeNativeLibrary ltLibrary = new FakeNativeLibrary(CublasLtApi.FUNCTIONS);
    /** cuBLASLt's matmul descriptors by handle: transposes, epilogue and bias pointer as set. */
    private final Map<Long, int[]> descriptors = new HashMap<>();
    private final Map<Long, Long> biases = new HashMap<>();
    /** cuBLASLt's matrix layouts by handle: type, rows, columns, leading dimension. */
    private final Map<Long, long[]> layouts = new HashMap<>();
    private long nextLtHandle = 0x4000;
    private final SimulatedGpu memory;
    private final CudaSimulator simulator;

    SimulatedDriver(CudaSimulator simulator) {
        this.simulator = simulator;
        this.memory = new SimulatedGpu(simulator, false);
        driverLibrary.quiet();
        blasLibrary.quiet();
        driverLibrary.behave("cuMemAlloc_v2", INVALID_VALUE, a -> {
            long pointer = memory.allocate((long) a[1]);
            // cuMemAlloc leaves the memory as it was: 0xff bytes (NaN as floats), so a caller that reads what it
            // never wrote or cleared computes NaN here, as it may on a GPU (Gpu.allocate promises zeros: CudaGpu clears).
            memory.poison(pointer, (long) a[1]);
            out(a[0], 8).set(JAVA_LONG, 0, pointer);
            return 0;
        });
        driverLibrary.behave("cuMemFree_v2", INVALID_VALUE, a -> {
            memory.free((long) a[0]);
            return 0;
        });
        driverLibrary.behave("cuMemcpyHtoDAsync_v2", INVALID_VALUE, a -> {
            memory.upload((long) a[0], out(a[1], (long) a[2]), (long) a[2]);
            return 0;
        });
        driverLibrary.behave("cuMemcpyDtoHAsync_v2", INVALID_VALUE, a -> {
            memory.download((long) a[1], out(a[0], (long) a[2]), (long) a[2]);
            return 0;
        });
        driverLibrary.behave("cuMemcpyDtoDAsync_v2", INVALID_VALUE, a -> {
            memory.copy((long) a[0], (long) a[1], (long) a[2]);
            return 0;
        });
        driverLibrary.behave("cuMemsetD32Async", INVALID_VALUE, a -> {
            memory.fill((long) a[0], (int) a[1], (long) a[2]);
            return 0;
        });
        driverLibrary.behave("cuLaunchKernel", LAUNCH_FAILED, a -> {
            if ((int) a[3] != 1 || (int) a[6] != 1) {
                throw new AssertionError("a three-dimensional launch: grid z " + a[3] + ", block z " + a[6]);
            }
            String entry = driverLibrary.functionName((MemorySegment) a[0]);
            simulator.launch(entry, new LaunchGeometry((int) a[1], (int) a[2], (int) a[4], (int) a[5], (int) a[7]),
                    (MemorySegment) a[9], false);
            return 0;
        });
        // cublasSgemm_v2(handle, transa, transb, m, n, k, alpha*, A, lda, B, ldb, beta*, C, ldc)
        blasLibrary.behave("cublasSgemm_v2", BLAS_EXECUTION_FAILED, a -> {
            memory.gemm(gemm(a, 7, 8, 9, 10, 11, 12, 13));
            return 0;
        });
        // cublasGemmEx(handle, transa, transb, m, n, k, alpha*, A, Atype, lda, B, Btype, ldb, beta*, C, Ctype, ldc,
        //              computeType, algo)
        blasLibrary.behave("cublasGemmEx", BLAS_EXECUTION_FAILED, a -> {
            int type = sameOperandTypes(a[8], a[11], a[15], a[17]);
            Gemm g = gemm(a, 7, 9, 10, 12, 13, 14, 16);
            if (type == CublasApi.R_32F) {
                memory.gemm(g);
            } else {
                memory.gemm16(g, type);
            }
            return 0;
        });
        // cublasSgemmStridedBatched(handle, transa, transb, m, n, k, alpha*, A, lda, strideA, B, ldb, strideB,
        //                           beta*, C, ldc, strideC, batchCount)
        blasLibrary.behave("cublasSgemmStridedBatched", BLAS_EXECUTION_FAILED, a -> {
            Gemm g = gemm(a, 7, 8, 10, 11, 13, 14, 15);
            memory.gemmBatched(new BatchedGemm(g, (long) a[9], (long) a[12], (long) a[16], (int) a[17]),
                    CublasApi.R_32F);
            return 0;
        });
        // cublasGemmStridedBatchedEx(handle, transa, transb, m, n, k, alpha*, A, Atype, lda, strideA, B, Btype, ldb,
        //                            strideB, beta*, C, Ctype, ldc, strideC, batchCount, computeType, algo)
        blasLibrary.behave("cublasGemmStridedBatchedEx", BLAS_EXECUTION_FAILED, a -> {
            int type = sameOperandTypes(a[8], a[12], a[17], a[21]);
            Gemm g = gemm(a, 7, 9, 11, 13, 15, 16, 18);
            memory.gemmBatched(new BatchedGemm(g, (long) a[10], (long) a[14], (long) a[19], (int) a[20]), type);
            return 0;
        });
        behaveAsCublasLt();
    }

    /** The cuBLASLt functions the bias epilogue binds, kept and computed as the real library does. */
    private void behaveAsCublasLt() {
        ltLibrary.quiet();
        // cublasLtMatmulDescCreate(desc*, computeType, scaleType): {transA, transB, epilogue}
        ltLibrary.behave("cublasLtMatmulDescCreate", BLAS_INVALID_VALUE, a -> {
            if ((int) a[1] != CublasApi.COMPUTE_32F || (int) a[2] != CublasApi.R_32F) {
                throw new AssertionError("compute " + a[1] + ", scale " + a[2]);
            }
            long handle = nextLtHandle++;
            descriptors.put(handle, new int[] {CublasApi.OP_N, CublasApi.OP_N, 1});
            out(a[0], 8).set(ADDRESS, 0, MemorySegment.ofAddress(handle));
            return 0;
        });
        // cublasLtMatmulDescSetAttribute(desc, attribute, buf*, size)
        ltLibrary.behave("cublasLtMatmulDescSetAttribute", BLAS_INVALID_VALUE, a -> {
            long handle = ((MemorySegment) a[0]).address();
            MemorySegment value = out(a[2], (long) a[3]);
            switch ((int) a[1]) {
                case CublasLtApi.DESC_TRANSA -> descriptors.get(handle)[0] = value.get(JAVA_INT, 0);
                case CublasLtApi.DESC_TRANSB -> descriptors.get(handle)[1] = value.get(JAVA_INT, 0);
                case CublasLtApi.DESC_EPILOGUE -> descriptors.get(handle)[2] = value.get(JAVA_INT, 0);
                case CublasLtApi.DESC_BIAS_POINTER -> biases.put(handle, value.get(JAVA_LONG, 0));
                default -> throw new AssertionError("attribute " + a[1]);
            }
            return 0;
        });
        ltLibrary.behave("cublasLtMatmulDescDestroy", BLAS_INVALID_VALUE, a -> {
            descriptors.remove(((MemorySegment) a[0]).address());
            return 0;
        });
        // cublasLtMatrixLayoutCreate(layout*, type, rows, cols, ld)
        ltLibrary.behave("cublasLtMatrixLayoutCreate", BLAS_INVALID_VALUE, a -> {
            long handle = nextLtHandle++;
            layouts.put(handle, new long[] {(int) a[1], (long) a[2], (long) a[3], (long) a[4]});
            out(a[0], 8).set(ADDRESS, 0, MemorySegment.ofAddress(handle));
            return 0;
        });
        ltLibrary.behave("cublasLtMatrixLayoutDestroy", BLAS_INVALID_VALUE, a -> {
            layouts.remove(((MemorySegment) a[0]).address());
            return 0;
        });
        // cublasLtMatmulAlgoGetHeuristic(..., requested, results*, returned*): one algorithm, state 0
        ltLibrary.behave("cublasLtMatmulAlgoGetHeuristic", BLAS_INVALID_VALUE, a -> {
            out(a[9], 4).set(JAVA_INT, 0, 1);
            return 0;
        });
        // cublasLtMatmul(handle, desc, alpha*, A, Adesc, B, Bdesc, beta*, C, Cdesc, D, Ddesc, algo*, ws, wsSize, s)
        ltLibrary.behave("cublasLtMatmul", BLAS_EXECUTION_FAILED, a -> {
            long handle = ((MemorySegment) a[1]).address();
            int[] desc = descriptors.get(handle);
            long[] la = layouts.get(((MemorySegment) a[4]).address());
            long[] lb = layouts.get(((MemorySegment) a[6]).address());
            long[] ld = layouts.get(((MemorySegment) a[11]).address());
            if (desc[2] != CublasLtApi.EPILOGUE_BIAS || la[0] != lb[0] || ld[0] != CublasApi.R_32F
                    || ((MemorySegment) a[8]).address() != ((MemorySegment) a[10]).address() || scalar(a[7]) != 0f) {
                throw new AssertionError("only D = op(A) op(B) + bias in place of C is simulated");
            }
            boolean ta = desc[0] == CublasApi.OP_T;
            int k = (int) (ta ? la[1] : la[2]);
            Gemm g = new Gemm(ta, desc[1] == CublasApi.OP_T, (int) ld[1], (int) ld[2], k, scalar(a[2]),
                    ((MemorySegment) a[3]).address(), (int) la[3], ((MemorySegment) a[5]).address(), (int) lb[3], 0f,
                    ((MemorySegment) a[10]).address(), (int) ld[3]);
            if (!memory.gemmBias(g, (int) la[0], biases.get(handle))) {
                throw new AssertionError("the simulated epilogue refused " + g);
            }
            return 0;
        });
    }

    /** The CUDA backend on this stand-in device through {@link CudaGpu}, kernels compiled by {@code nvrtc}. */
    CudaBackend open(NvrtcApi nvrtc, Path cache, boolean baselineKernels) {
        CudaGpu gpu = openGpu(nvrtc, cache, baselineKernels);
        return new CudaBackend(gpu, gpu.description(), baselineKernels);
    }

    /** The device layer alone on this stand-in device. */
    CudaGpu openGpu(NvrtcApi nvrtc, Path cache, boolean baselineKernels) {
        return openGpu(nvrtc, cache, baselineKernels, false);
    }

    /** The device layer alone, its products by the built-in {@code gemm_tiled} kernel with {@code builtinGemm}. */
    CudaGpu openGpu(NvrtcApi nvrtc, Path cache, boolean baselineKernels, boolean builtinGemm) {
        // As BlasLibraries opens them: no cuBLAS at all for the built-in GEMM.
        return CudaGpu.open(new DriverApi(driverLibrary.library("libcuda.so.1")), nvrtc,
                builtinGemm ? null : new CublasApi(blasLibrary.library("libcublas.so.12")),
                builtinGemm ? null : new CublasLtApi(ltLibrary.library("libcublasLt.so.12")),
                new CudaOptions(0, false, cache, builtinGemm, baselineKernels));
    }

    /** The first failure inside a stand-in call, or {@code null}. */
    Throwable fault() {
        return driverLibrary.fault() != null ? driverLibrary.fault()
                : blasLibrary.fault() != null ? blasLibrary.fault() : ltLibrary.fault();
    }

    /** A {@link Gemm} from the common arguments: positions of A, lda, B, ldb, beta*, C and ldc in {@code a}. */
    private static Gemm gemm(Object[] a, int pa, int plda, int pb, int pldb, int pbeta, int pc, int pldc) {
        return new Gemm(op(a[1]), op(a[2]), (int) a[3], (int) a[4], (int) a[5], scalar(a[6]),
                ((MemorySegment) a[pa]).address(), (int) a[plda], ((MemorySegment) a[pb]).address(), (int) a[pldb],
                scalar(a[pbeta]), ((MemorySegment) a[pc]).address(), (int) a[pldc]);
    }

    private static boolean op(Object code) {
        int op = (int) code;
        if (op != CublasApi.OP_N && op != CublasApi.OP_T) {
            throw new AssertionError("transpose code " + op + " is neither CUBLAS_OP_N nor CUBLAS_OP_T");
        }
        return op == CublasApi.OP_T;
    }

    /** The float an alpha or beta pointer points to (host pointer mode, float32 compute). */
    private static float scalar(Object pointer) {
        return out(pointer, 4).get(JAVA_FLOAT, 0);
    }

    /** A and B of one 16-bit (or float32) type, C float32, accumulated in float32: what the backend asks for. */
    private static int sameOperandTypes(Object aType, Object bType, Object cType, Object compute) {
        if (!aType.equals(bType) || (int) cType != CublasApi.R_32F || (int) compute != CublasApi.COMPUTE_32F) {
            throw new AssertionError("types A " + aType + ", B " + bType + ", C " + cType + ", compute " + compute);
        }
        return (int) aType;
    }

    private static MemorySegment out(Object pointer, long bytes) {
        return ((MemorySegment) pointer).reinterpret(bytes);
    }
}
