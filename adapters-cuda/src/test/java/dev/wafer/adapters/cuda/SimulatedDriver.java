package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * The real device layer ({@link CudaGpu}, with the real NVRTC compiling every kernel) over stand-in driver and
 * cuBLAS libraries ({@link FakeNativeLibrary}) that do the work: memory and copies on a {@link SimulatedGpu},
 * {@code cuLaunchKernel} by the {@link CudaSimulator}, and the four cuBLAS GEMMs decoded from their C arguments in
 * cuBLAS's documented order and computed by {@link SimulatedGpu}'s reference GEMM. So the FFM marshalling of every
 * call (argument order, leading dimensions, strides, the alpha/beta pointers, data and compute types) is checked by
 * the values it produces, which {@link SimulatedGpu} alone, called from Java, cannot show.
 */
final class SimulatedDriver {
    /** {@code CUDA_ERROR_LAUNCH_FAILED}: what a kernel fault looks like to the backend. */
    static final int LAUNCH_FAILED = 719;
    /** {@code CUDA_ERROR_INVALID_VALUE}. */
    static final int INVALID_VALUE = 1;
    /** {@code CUBLAS_STATUS_EXECUTION_FAILED}. */
    static final int BLAS_EXECUTION_FAILED = 13;

    private final FakeNativeLibrary driverLibrary = new FakeNativeLibrary(DriverApi.FUNCTIONS);
    private final FakeNativeLibrary blasLibrary = new FakeNativeLibrary(CublasApi.FUNCTIONS);
    private final SimulatedGpu memory;
    private final CudaSimulator simulator;

    SimulatedDriver(CudaSimulator simulator) {
        this.simulator = simulator;
        this.memory = new SimulatedGpu(simulator, false);
        driverLibrary.quiet();
        blasLibrary.quiet();
        driverLibrary.behave("cuMemAlloc_v2", INVALID_VALUE, a -> {
            out(a[0], 8).set(JAVA_LONG, 0, memory.allocate((long) a[1]));
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
    }

    /** The CUDA backend on this stand-in device through {@link CudaGpu}, kernels compiled by {@code nvrtc}. */
    CudaBackend open(NvrtcApi nvrtc, Path cache, boolean baselineKernels) {
        CudaGpu gpu = CudaGpu.open(new DriverApi(driverLibrary.library("libcuda.so.1")), nvrtc,
                new CublasApi(blasLibrary.library("libcublas.so.12")),
                new CudaOptions(0, false, cache, false, baselineKernels));
        return new CudaBackend(gpu, gpu.description(), baselineKernels);
    }

    /** The first failure inside a stand-in call, or {@code null}. */
    Throwable fault() {
        return driverLibrary.fault() != null ? driverLibrary.fault() : blasLibrary.fault();
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
