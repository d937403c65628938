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
    private final long[] scratch = new long[Gpu.SCRATCH_SLOTS];
    private final long[] scratchBytes = new long[Gpu.SCRATCH_SLOTS];
    private long next = 0x7f00_0000_0000L;
    private long ids;
    private long idBytes;
    private boolean closed;

    List<Launch> launches() {
        return launches;
    }

    List<Gemm> gemms() {
        return gemms;
    }

    int liveAllocations() {
        return live.size();
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
        long bytes = 4L * Math.max(n, 1);
        if (bytes > idBytes) {
            if (ids != 0) {
                free(ids);
            }
            ids = allocate(bytes);
            idBytes = bytes;
        }
        return ids;
    }

    @Override
    public long scratch(int slot, long bytes) {
        if (bytes > scratchBytes[slot]) {
            if (scratch[slot] != 0) {
                free(scratch[slot]);
            }
            scratch[slot] = allocate(bytes);
            scratchBytes[slot] = bytes;
        }
        return scratch[slot];
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
        // Column-major extents: A spans lda * (columns of the stored A), etc.
        long aCols = gemm.transA() ? gemm.m() : gemm.k();
        long bCols = gemm.transB() ? gemm.k() : gemm.n();
        checkRange("sgemm A", gemm.a(), 4L * gemm.lda() * (aCols - 1) + 4L * (gemm.transA() ? gemm.k() : gemm.m()));
        checkRange("sgemm B", gemm.b(), 4L * gemm.ldb() * (bCols - 1) + 4L * (gemm.transB() ? gemm.n() : gemm.k()));
        checkRange("sgemm C", gemm.c(), 4L * gemm.ldc() * (gemm.n() - 1) + 4L * gemm.m());
        // The same product as the built-in kernel would launch it (WAFER_CUDA_GEMM=builtin).
        launch(TiledGemm.geometry(gemm), TiledGemm.args(gemm));
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
