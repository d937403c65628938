package dev.wafer.adapters.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link Gpu} whose "device" memory is host memory and whose kernels run in the {@link CudaSimulator}: the CUDA
 * backend then computes real values without a GPU, so the contract and model suites can check its kernels and its
 * host-side orchestration (arguments, slices, leading dimensions, transposes, strides). cuBLAS is stood in for by
 * {@link #gemm}, a plain column-major GEMM with cuBLAS's argument meaning, accumulated in double (so it checks the
 * calls, not cuBLAS's rounding). Every pointer a copy, launch or GEMM receives must lie inside a live allocation, as
 * on {@link RecordingGpu}, and every load and store of a kernel inside the allocation its argument points into.
 */
final class SimulatedGpu implements Gpu {
    private final CudaSimulator simulator;
    private final boolean descending;
    private final TreeMap<Long, MemorySegment> live = new TreeMap<>();
    private final Map<Long, Arena> arenas = new java.util.HashMap<>();
    private final OwnedBuffers buffers = new OwnedBuffers(this);
    private final MemorySegment argumentBlock = Arena.ofAuto().allocate(KernelArgs.BLOCK_BYTES, 16);
    private long launches;

    /** Blocks and threads run in ascending order, or with {@code descending} the other way round. */
    SimulatedGpu(CudaSimulator simulator, boolean descending) {
        this.simulator = simulator;
        this.descending = descending;
    }

    /** Kernel launches so far. */
    long launches() {
        return launches;
    }

    /** The live allocation holding {@code [pointer, pointer + bytes)}, as a segment starting at {@code pointer}. */
    private MemorySegment at(String what, long pointer, long bytes) {
        Map.Entry<Long, MemorySegment> block = live.floorEntry(pointer);
        if (block == null || pointer + bytes > block.getKey() + block.getValue().byteSize()) {
            throw new AssertionError(what + ": 0x" + Long.toHexString(pointer) + " + " + bytes
                    + " bytes is not inside a live allocation");
        }
        return block.getValue().asSlice(pointer - block.getKey(), bytes);
    }

    /** Fills {@code bytes} of an allocation with 0xff, as memory a GPU's allocator returns may hold anything. */
    void poison(long pointer, long bytes) {
        at("poison", pointer, bytes).fill((byte) 0xff);
    }

    @Override
    public long allocate(long bytes) {
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(Math.max(bytes, 4), 256); // zero-filled, as Gpu promises
        live.put(segment.address(), segment);
        arenas.put(segment.address(), arena);
        simulator.register(segment.address(), segment.byteSize());
        return segment.address();
    }

    @Override
    public void free(long pointer) {
        if (live.remove(pointer) == null) {
            throw new AssertionError("free of 0x" + Long.toHexString(pointer) + ", which is not allocated");
        }
        simulator.unregister(pointer);
        arenas.remove(pointer).close();
    }

    @Override
    public void upload(long dst, MemorySegment src, long bytes) {
        MemorySegment.copy(src, 0, at("upload", dst, bytes), 0, bytes);
    }

    @Override
    public void download(long src, MemorySegment dst, long bytes) {
        MemorySegment.copy(at("download", src, bytes), 0, dst, 0, bytes);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        MemorySegment.copy(at("copy source", src, bytes), 0, at("copy destination", dst, bytes), 0, bytes);
    }

    @Override
    public void fill(long dst, int bits, long count) {
        MemorySegment target = at("fill", dst, 4 * count);
        for (long i = 0; i < count; i++) {
            target.setAtIndex(JAVA_INT, i, bits);
        }
    }

    @Override
    public long uploadIds(int[] values, int n) {
        long ids = buffers.get(OwnedBuffers.IDS, 4L * Math.max(n, 1));
        MemorySegment.copy(values, 0, at("ids", ids, 4L * n), JAVA_INT, 0, n);
        return ids;
    }

    /** The bytes scratch slot {@code slot} has grown to. */
    long scratchBytes(int slot) {
        return buffers.size(slot);
    }

    @Override
    public long scratch(int slot, long bytes) {
        return buffers.get(slot, bytes);
    }

    @Override
    public void launch(LaunchGeometry geometry, KernelArgs args) {
        args.kernel().checkGeometry(geometry);
        MemorySegment packed = args.packInto(argumentBlock);
        var params = args.kernel().params();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) == CudaKernel.Param.POINTER) {
                long pointer = packed.getAtIndex(java.lang.foreign.ValueLayout.ADDRESS, i).reinterpret(8)
                        .get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
                at(args.kernel().entry() + " argument " + i, pointer, 4);
            }
        }
        simulator.launch(args.kernel(), geometry, packed, descending);
        launches++;
    }

    @Override
    public void gemm(Gemm gemm) {
        product(gemm, 4, CublasApi.R_32F, 0, 0, 0, false);
    }

    @Override
    public void gemm16(Gemm gemm, int operandType) {
        product(gemm, 2, operandType, 0, 0, 0, false);
    }

    /** Whether {@link #gemmBias} computes (as cuBLASLt with an algorithm) or refuses every shape. */
    private boolean biasEpilogue = true;
    /** Whether {@link #gemmBias} computes its product otherwise than the plain GEMMs (another algorithm). */
    private boolean epilogueDiffers;
    private long biasProducts;

    /** Refuses every bias epilogue, as cuBLASLt without an algorithm does: the callers' fallback then runs. */
    SimulatedGpu withoutBiasEpilogue() {
        biasEpilogue = false;
        return this;
    }

    /**
     * Makes {@link #gemmBias} compute its product otherwise than {@link #gemm} and {@link #gemm16}: cuBLASLt's algorithm
     * for a product need not sum in {@code cublasGemmEx}'s order, and what the backend promises bit for bit must not
     * rest on their agreeing. Float32 products are summed from the last term to the first, in float; 16-bit ones are
     * also scaled by {@code 1 + 2^-16}: inside the float32 matmul tolerance, but enough to move dozens of a test's
     * values across a bf16 rounding boundary, so that a bf16 output made by another path than its float32 twin shows.
     */
    SimulatedGpu withEpilogueDifferingFromTheGemm() {
        epilogueDiffers = true;
        return this;
    }

    /** Products whose bias the epilogue added so far. */
    long biasProducts() {
        return biasProducts;
    }

    @Override
    public boolean gemmBias(Gemm gemm, int operandType, long bias) {
        if (!biasEpilogue) {
            return false;
        }
        if (gemm.beta() != 0f) {
            throw new AssertionError("bias epilogue with beta " + gemm.beta());
        }
        product(gemm, operandType == CublasApi.R_32F ? 4 : 2, operandType, 0, 0, 0, epilogueDiffers);
        // The epilogue's float32 sum of the product and the bias: one rounding, as a bias kernel after it.
        MemorySegment b = at("gemm bias", bias, 4L * gemm.m());
        MemorySegment c = at("gemm C", gemm.c(), 4L * gemm.ldc() * (gemm.n() - 1) + 4L * gemm.m());
        float scale = epilogueDiffers && operandType != CublasApi.R_32F ? 1f + 0x1p-16f : 1f;
        for (int j = 0; j < gemm.n(); j++) {
            for (int i = 0; i < gemm.m(); i++) {
                long at = i + (long) j * gemm.ldc();
                c.setAtIndex(JAVA_FLOAT, at, c.getAtIndex(JAVA_FLOAT, at) * scale + b.getAtIndex(JAVA_FLOAT, i));
            }
        }
        biasProducts++;
        return true;
    }

    @Override
    public String biasEpilogue() {
        return biasEpilogue ? "simulated epilogue, " + biasProducts + " products" : "none (refused)";
    }

    @Override
    public void gemmBatched(BatchedGemm gemm, int operandType) {
        int bytes = operandType == CublasApi.R_32F ? 4 : 2;
        for (long i = 0; i < gemm.count(); i++) {
            product(gemm.shape(), bytes, operandType, bytes * gemm.strideA() * i, bytes * gemm.strideB() * i,
                    4L * gemm.strideC() * i, false);
        }
    }

    /**
     * {@code C = alpha op(A) op(B) + beta C}, column-major, with A and B {@code bytes} wide of {@code type}; C is
     * not read when beta is 0 (cuBLAS's rule, so stale NaNs there do not leak).
     */
    private void product(Gemm g, int bytes, int type, long offsetA, long offsetB, long offsetC, boolean backwards) {
        long aCols = g.transA() ? g.m() : g.k();
        long bCols = g.transB() ? g.k() : g.n();
        MemorySegment a = at("gemm A", g.a() + offsetA,
                (long) bytes * g.lda() * (aCols - 1) + (long) bytes * (g.transA() ? g.k() : g.m()));
        MemorySegment b = at("gemm B", g.b() + offsetB,
                (long) bytes * g.ldb() * (bCols - 1) + (long) bytes * (g.transB() ? g.n() : g.k()));
        MemorySegment c = at("gemm C", g.c() + offsetC, 4L * g.ldc() * (g.n() - 1) + 4L * g.m());
        float[] av = values(a, bytes, type);
        float[] bv = values(b, bytes, type);
        int m = g.m();
        int n = g.n();
        int k = g.k();
        // op(A) as rows of k and op(B) as columns of k, so that each dot product reads two contiguous runs.
        float[] rowsA = new float[m * k];
        float[] colsB = new float[n * k];
        for (int i = 0; i < m; i++) {
            for (int kk = 0; kk < k; kk++) {
                rowsA[i * k + kk] = g.transA() ? av[kk + i * g.lda()] : av[i + kk * g.lda()];
            }
        }
        for (int j = 0; j < n; j++) {
            for (int kk = 0; kk < k; kk++) {
                colsB[j * k + kk] = g.transB() ? bv[j + kk * g.ldb()] : bv[kk + j * g.ldb()];
            }
        }
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < m; i++) {
                double sum = 0;
                if (backwards) {
                    // In float, so that the order shows in the bits (a double sum of these products is often exact).
                    float f = 0;
                    for (int kk = k - 1; kk >= 0; kk--) {
                        f += rowsA[i * k + kk] * colsB[j * k + kk];
                    }
                    sum = f;
                } else {
                    for (int kk = 0; kk < k; kk++) {
                        sum += (double) rowsA[i * k + kk] * colsB[j * k + kk];
                    }
                }
                long at = i + (long) j * g.ldc();
                double old = g.beta() == 0f ? 0 : g.beta() * (double) c.getAtIndex(JAVA_FLOAT, at);
                c.setAtIndex(JAVA_FLOAT, at, (float) (g.alpha() * sum + old));
            }
        }
    }

    private static float[] values(MemorySegment s, int bytes, int type) {
        if (bytes == 4) {
            return s.toArray(JAVA_FLOAT);
        }
        short[] bits = s.toArray(JAVA_SHORT);
        float[] out = new float[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = type == CublasApi.R_16BF ? Float.intBitsToFloat((bits[i] & 0xffff) << 16)
                    : Float.float16ToFloat(bits[i]);
        }
        return out;
    }

    @Override
    public boolean hasBlas() {
        return true;
    }

    @Override
    public void synchronize() {
    }

    @Override
    public String deviceName() {
        return "simulated (CUDA C kernels compiled by g++, run as fibers on the host)";
    }

    @Override
    public void close() {
        for (Long pointer : arenas.keySet()) {
            simulator.unregister(pointer);
        }
        for (Arena arena : arenas.values()) {
            arena.close();
        }
        arenas.clear();
        live.clear();
    }
}
