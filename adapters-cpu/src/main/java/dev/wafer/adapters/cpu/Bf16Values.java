package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Reading bf16 tensors back as float32: a bf16 value is the upper half of a float32's bits, so widening is exact
 * (the inverse of {@link Bf16Pack}'s rounding on every value it produces).
 */
final class Bf16Values {
    /** Elements per worker below which the work stays on the calling thread. */
    private static final int GRAIN = 1 << 15;

    private Bf16Values() {
    }

    /** The float32 value of the bf16 bits {@code bits}. */
    static float widen(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** {@code dst[dOff + i] = widen(src[i])} for {@code n} values of the bf16 segment {@code src}, over the workers. */
    static void widen(Parallel parallel, MemorySegment src, float[] dst, int dOff, int n) {
        widen(parallel, src, dst, dOff, n, false);
    }

    /** As {@link #widen(Parallel, MemorySegment, float[], int, int)}, on the Vector API if {@code vectorized}. */
    static void widen(Parallel parallel, MemorySegment src, float[] dst, int dOff, int n, boolean vectorized) {
        parallel.range(n, GRAIN, (w, from, to) -> {
            if (vectorized) {
                VectorBf16Pack.widen(src, 2L * from, dst, dOff + from, to - from);
            } else {
                widen(src, from, dst, dOff + from, to - from);
            }
        });
    }

    /**
     * {@code dst[dOff + i] = widen(src[from + i])} for {@code n} values of the bf16 segment {@code src}, on the
     * calling thread (for a worker that widens its own part).
     */
    static void widen(MemorySegment src, long from, float[] dst, int dOff, int n) {
        long at = 2L * from;
        for (int i = 0; i < n; i++) {
            dst[dOff + i] = widen(src.get(JAVA_SHORT_UNALIGNED, at + 2L * i));
        }
    }
}
