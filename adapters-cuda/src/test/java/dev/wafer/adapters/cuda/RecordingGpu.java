package dev.wafer.adapters.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A {@link Gpu} without a device: it hands out fake, non-overlapping device addresses, checks that every pointer a
 * launch, copy or GEMM receives lies inside a live allocation, and records each launch. Downloads read zeros.
 */
final class RecordingGpu implements Gpu {
    /** One recorded launch. */
    record Launch(CudaKernel kernel, LaunchGeometry geometry, List<CudaKernel.Param> kinds, int format) {
    }

    private final TreeMap<Long, Long> live = new TreeMap<>();
    private final List<Launch> launches = new ArrayList<>();
    private final List<Gemm> gemms = new ArrayList<>();
    private final List<Gemm> gemms16 = new ArrayList<>();
    private final List<BatchedGemm> batched = new ArrayList<>();
    /** Products with the bias in their epilogue ({@link #gemmBias}). */
    private final List<Gemm> biasGemms = new ArrayList<>();
    /** Whether cuBLAS is "loaded": the fast kernels run only with it. */
    private boolean blas = true;
    private boolean biasEpilogue = true;
    private int downloads;
    private final OwnedBuffers buffers = new OwnedBuffers(this);
    private long next = 0x7f00_0000_0000L;
    private boolean closed;

    List<Launch> launches() {
        return launches;
    }

    /** As cuBLASLt without an algorithm for any shape: {@link #gemmBias} refuses, the callers add the bias. */
    RecordingGpu withoutBiasEpilogue() {
        biasEpilogue = false;
        return this;
    }

    /** Without cuBLAS (WAFER_CUDA_GEMM=builtin): the backend must pick the baseline kernels. */
    RecordingGpu withoutBlas() {
        blas = false;
        return this;
    }

    /** Device-to-host copies so far (each one a host round trip). */
    int downloads() {
        return downloads;
    }

    List<Gemm> gemms16() {
        return gemms16;
    }

    List<BatchedGemm> batched() {
        return batched;
    }

    List<Gemm> gemms() {
        return gemms;
    }

    List<Gemm> biasGemms() {
        return biasGemms;
    }

    private long allocatedBytes;

    int liveAllocations() {
        return live.size();
    }

    /** Bytes asked of {@link #allocate} so far. */
    long allocatedBytes() {
        return allocatedBytes;
    }

    boolean closed() {
        return closed;
    }

    /** Fails unless {@code [pointer, pointer + bytes)} lies in one live allocation. */
    void checkRange(String what, long pointer, long bytes) {
        var block = live.floorEntry(pointer);
        if (block == null || pointer + bytes > block.getKey() + block.getValue()) {
            throw new AssertionError(what + ": 0x" + Long.toHexString(pointer) + " + " + bytes
                    + " bytes is not inside a live allocation");
        }
    }

    @Override
    public long allocate(long bytes) {
        allocatedBytes += bytes;
        long pointer = next;
        long size = Math.max(bytes, 4);
        live.put(pointer, size);
        next += (size + 511) / 256 * 256;
        return pointer;
    }

    @Override
    public void free(long pointer) {
        if (live.remove(pointer) == null) {
            throw new AssertionError("free of 0x" + Long.toHexString(pointer) + ", which is not allocated");
        }
    }

    @Override
    public void upload(long dst, MemorySegment src, long bytes) {
        checkRange("upload", dst, bytes);
    }

    @Override
    public void download(long src, MemorySegment dst, long bytes) {
        downloads++;
        checkRange("download", src, bytes);
        dst.asSlice(0, bytes).fill((byte) 0);
    }

    @Override
    public void copy(long dst, long src, long bytes) {
        checkRange("copy destination", dst, bytes);
        checkRange("copy source", src, bytes);
    }

    @Override
    public void fill(long dst, int bits, long count) {
        checkRange("fill", dst, 4 * count);
    }

    @Override
    public long uploadIds(int[] values, int n) {
        return buffers.get(OwnedBuffers.IDS, 4L * Math.max(n, 1));
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
        args.checkComplete();
        args.kernel().checkGeometry(geometry);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment packed = args.pack(arena);
            List<CudaKernel.Param> params = args.kernel().params();
            // The last int argument: the rounding format of the attention kernels that take one.
            int last = params.size() - 1;
            int format = params.get(last) == CudaKernel.Param.INT
                    ? packed.getAtIndex(java.lang.foreign.ValueLayout.ADDRESS, last).reinterpret(4)
                            .get(java.lang.foreign.ValueLayout.JAVA_INT, 0) : -1;
            launches.add(new Launch(args.kernel(), geometry, args.kinds(), format));
            for (int i = 0; i < params.size(); i++) {
                if (params.get(i) == CudaKernel.Param.POINTER) {
                    long pointer = packed.getAtIndex(java.lang.foreign.ValueLayout.ADDRESS, i)
                            .reinterpret(8).get(java.lang.foreign.ValueLayout.JAVA_LONG, 0);
                    checkRange(args.kernel().entry() + " argument " + i, pointer, 4);
                }
            }
        }
    }

    @Override
    public void gemm(Gemm gemm) {
        gemms.add(gemm);
        checkGemm("sgemm", gemm, 4, 0, 0, 0);
        // The same product as the built-in kernel would launch it (WAFER_CUDA_GEMM=builtin).
        launch(TiledGemm.geometry(gemm), TiledGemm.args(gemm));
    }

    /** Column-major extents: A spans lda * (columns of the stored A), etc.; operands {@code bytes} wide, C float. */
    private void checkGemm(String what, Gemm gemm, int bytes, long offsetA, long offsetB, long offsetC) {
        long aCols = gemm.transA() ? gemm.m() : gemm.k();
        long bCols = gemm.transB() ? gemm.k() : gemm.n();
        checkRange(what + " A", gemm.a() + offsetA, (long) bytes * gemm.lda() * (aCols - 1)
                + (long) bytes * (gemm.transA() ? gemm.k() : gemm.m()));
        checkRange(what + " B", gemm.b() + offsetB, (long) bytes * gemm.ldb() * (bCols - 1)
                + (long) bytes * (gemm.transB() ? gemm.n() : gemm.k()));
        checkRange(what + " C", gemm.c() + offsetC, 4L * gemm.ldc() * (gemm.n() - 1) + 4L * gemm.m());
    }

    @Override
    public void gemm16(Gemm gemm, int operandType) {
        if (!blas) {
            throw new IllegalStateException("no cuBLAS");
        }
        gemms16.add(gemm);
        checkGemm("gemm16", gemm, 2, 0, 0, 0);
    }

    @Override
    public boolean gemmBias(Gemm gemm, int operandType, long bias) {
        if (!blas) {
            throw new IllegalStateException("no cuBLAS");
        }
        if (!biasEpilogue) {
            return false;
        }
        biasGemms.add(gemm);
        checkGemm("gemm with bias", gemm, operandType == CublasApi.R_32F ? 4 : 2, 0, 0, 0);
        checkRange("gemm bias", bias, 4L * gemm.m());
        return true;
    }

    @Override
    public String biasEpilogue() {
        return biasEpilogue ? "recorded epilogue, " + biasGemms.size() + " products" : "none (refused)";
    }

    @Override
    public void gemmBatched(BatchedGemm gemm, int operandType) {
        if (!blas) {
            throw new IllegalStateException("no cuBLAS");
        }
        batched.add(gemm);
        int bytes = operandType == CublasApi.R_32F ? 4 : 2;
        // The first and the last product of the batch must lie inside their allocations.
        checkGemm("batched", gemm.shape(), bytes, 0, 0, 0);
        long last = gemm.count() - 1L;
        checkGemm("batched", gemm.shape(), bytes, bytes * gemm.strideA() * last, bytes * gemm.strideB() * last,
                4L * gemm.strideC() * last);
    }

    @Override
    public boolean hasBlas() {
        return blas;
    }

    @Override
    public void synchronize() {
    }

    @Override
    public String deviceName() {
        return "recording";
    }

    @Override
    public void close() {
        closed = true;
    }
}
