package dev.wafer.adapters.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A native buffer holding one bfloat16 matrix, rows packed tight, for oneDNN's bf16 matmul: it grows to the largest
 * matrix packed into it and is then reused, so the per-call cost is the rounding alone.
 */
final class Bf16Buffer implements AutoCloseable {
    private Arena arena = Arena.ofShared();
    private MemorySegment segment = MemorySegment.NULL;

    /** Rounds {@code rows x cols} values of {@code src} (row stride {@code ld}) into this buffer and returns it. */
    MemorySegment pack(Bf16Pack packer, float[] src, int off, int ld, int rows, int cols) {
        MemorySegment dst = ensure(2L * rows * cols);
        packer.toBf16(src, off, ld, rows, cols, dst);
        return dst;
    }

    /** A segment of at least {@code bytes}, contents unspecified. */
    MemorySegment ensure(long bytes) {
        if (segment.byteSize() < bytes) {
            arena.close();
            arena = Arena.ofShared();
            segment = arena.allocate(bytes, 64);
        }
        return segment;
    }

    @Override
    public void close() {
        arena.close();
        segment = MemorySegment.NULL;
    }
}
