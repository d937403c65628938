package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

/**
 * Moves operands between float32 Java arrays and oneDNN's native buffers, split over the backend's workers: float32
 * rounded to bfloat16 (nearest even; a NaN stays a quiet NaN, the same bits as {@link Rounding}) into a tightly
 * packed native matrix, and a float32 native product copied or added into a strided Java matrix. The Vector API
 * path ({@link VectorBf16Pack}) gives the same bits as the scalar one; it is used when the incubator module is
 * present.
 */
final class Bf16Pack {
    /** Elements per worker below which the work stays on the calling thread. */
    private static final int GRAIN = 1 << 15;

    private final Parallel parallel;
    private final boolean vectorized;

    Bf16Pack(Parallel parallel, boolean vectorized) {
        this.parallel = parallel;
        this.vectorized = vectorized;
    }

    /** The bf16 bits of {@code x}, rounded to nearest even. */
    static short bits(float x) {
        int bits = Float.floatToRawIntBits(x);
        int rounded = (bits & 0x7FFFFFFF) > 0x7F800000 ? (bits >>> 16) | 0x40   // NaN stays a quiet NaN
                : (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
        return (short) rounded;
    }

    /** Rounds {@code rows x cols} values of {@code src} (row stride {@code ld}) into {@code dst}, rows packed tight. */
    void toBf16(float[] src, int off, int ld, int rows, int cols, MemorySegment dst) {
        if (rows == 1 || ld == cols) {
            long n = (long) rows * cols;
            parallel.range((int) n, GRAIN, (w, from, to) -> pack(src, off + from, dst, 2L * from, to - from));
            return;
        }
        parallel.range(rows, Math.max(1, GRAIN / Math.max(1, cols)), (w, from, to) -> {
            for (int r = from; r < to; r++) {
                pack(src, off + r * ld, dst, 2L * r * cols, cols);
            }
        });
    }

    /** {@code c[cOff + i*ldc + j] (+)= src[i*n + j]} for an {@code m x n} float32 native matrix {@code src}. */
    void fromF32(MemorySegment src, int m, int n, float[] c, int cOff, int ldc, boolean accumulate) {
        parallel.range(m, Math.max(1, GRAIN / Math.max(1, n)), (w, from, to) -> {
            for (int i = from; i < to; i++) {
                long row = 4L * i * n;
                int ci = cOff + i * ldc;
                if (!accumulate) {
                    MemorySegment.copy(src, JAVA_FLOAT_UNALIGNED, row, c, ci, n);
                } else if (vectorized) {
                    VectorBf16Pack.add(src, row, c, ci, n);
                } else {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] += src.get(JAVA_FLOAT_UNALIGNED, row + 4L * j);
                    }
                }
            }
        });
    }

    /** {@code c[cOff + i*ldc + j] = src[i*n + j] + bias[biasOff + j]} for an {@code m x n} float32 native matrix. */
    void fromF32PlusBias(MemorySegment src, int m, int n, float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        parallel.range(m, Math.max(1, GRAIN / Math.max(1, n)), (w, from, to) -> {
            for (int i = from; i < to; i++) {
                long row = 4L * i * n;
                int ci = cOff + i * ldc;
                if (vectorized) {
                    VectorBf16Pack.plusBias(src, row, bias, biasOff, c, ci, n);
                } else {
                    for (int j = 0; j < n; j++) {
                        c[ci + j] = src.get(JAVA_FLOAT_UNALIGNED, row + 4L * j) + bias[biasOff + j];
                    }
                }
            }
        });
    }

    private void pack(float[] src, int s, MemorySegment dst, long dOff, int n) {
        packRow(src, s, dst, dOff, n, vectorized);
    }

    /** Rounds {@code n} values of {@code src} into {@code dst} at byte {@code dOff}, on the calling thread. */
    static void packRow(float[] src, int s, MemorySegment dst, long dOff, int n, boolean vectorized) {
        if (vectorized) {
            VectorBf16Pack.pack(src, s, dst, dOff, n);
            return;
        }
        for (int j = 0; j < n; j++) {
            dst.set(JAVA_SHORT_UNALIGNED, dOff + 2L * j, bits(src[s + j]));
        }
    }
}
