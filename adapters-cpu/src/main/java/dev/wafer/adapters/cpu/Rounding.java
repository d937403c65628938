package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.OperandFormat;

/**
 * Rounds float32 arrays to a 16-bit {@link OperandFormat} (round to nearest even), into reusable buffers: the
 * mixed-precision kernels feed the rounded copies to the float32 GEMM, which then computes exactly what a
 * 16-bit-input GEMM with float32 accumulation computes.
 */
final class Rounding {
    /** Elements per worker below which rounding stays on the calling thread. */
    private static final int GRAIN = 1 << 15;

    private final OperandFormat format;
    private final Parallel parallel;
    private final boolean vectorized;

    Rounding(OperandFormat format, Parallel parallel) {
        this(format, parallel, false);
    }

    /** @param vectorized round bf16 with the Vector API ({@link VectorBf16Pack#round}, the same bits) */
    Rounding(OperandFormat format, Parallel parallel, boolean vectorized) {
        this.format = format;
        this.parallel = parallel;
        this.vectorized = vectorized && format == OperandFormat.BF16;
    }

    OperandFormat format() {
        return format;
    }

    /** {@code dst[0, n) = round(src[off, off + n))}. */
    void round(float[] src, int off, float[] dst, int n) {
        if (vectorized) {
            parallel.range(n, GRAIN, (w, from, to) -> VectorBf16Pack.round(src, off + from, dst, from, to - from));
            return;
        }
        parallel.range(n, GRAIN, (w, from, to) -> roundRange(format, src, off + from, dst, from, to - from));
    }

    /** Rounds {@code a[off, off + n)} in place. */
    static void inPlace(OperandFormat format, float[] a, int off, int n) {
        roundRange(format, a, off, a, off, n);
    }

    static void roundRange(OperandFormat format, float[] src, int so, float[] dst, int dOff, int n) {
        switch (format) {
            case FP32 -> System.arraycopy(src, so, dst, dOff, n);
            case FP16 -> {
                for (int i = 0; i < n; i++) {
                    dst[dOff + i] = Float.float16ToFloat(Float.floatToFloat16(src[so + i]));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    float x = src[so + i];
                    int bits = Float.floatToRawIntBits(x);
                    int r = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
                    dst[dOff + i] = x != x ? x : Float.intBitsToFloat(r);
                }
            }
        }
    }

    /** A buffer of at least {@code n} floats: {@code old} when it is large enough. */
    static float[] grow(float[] old, long n) {
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("operand of " + n + " floats does not fit a Java array");
        }
        return old.length >= n ? old : new float[(int) n];
    }
}
