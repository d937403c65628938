package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * bf16 packing: the scalar rounding against {@link Rounding} (the emulation's), and the Vector API and multi-worker
 * paths against the scalar one, bit for bit, on values that exercise ties, carries into the exponent, infinities,
 * NaNs, subnormals and vector tails.
 */
class Bf16PackTest {
    private static final long SEED = 20261130L;

    @Test
    void scalarBitsAreTheEmulationsRounding() {
        float[] values = values(new SplittableRandom(SEED), 4096);
        for (float v : values) {
            float[] one = {v};
            Rounding.inPlace(dev.wafer.ports.compute.OperandFormat.BF16, one, 0, 1);
            float packed = Float.intBitsToFloat((Bf16Pack.bits(v) & 0xFFFF) << 16);
            if (Float.isNaN(v)) {
                assertEquals(true, Float.isNaN(packed), "NaN stays NaN (seed " + SEED + ")");
            } else {
                assertEquals(Float.floatToRawIntBits(one[0]), Float.floatToRawIntBits(packed),
                        "bf16 of " + v + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void vectorAndParallelPackingGiveTheScalarBits() {
        SplittableRandom random = new SplittableRandom(SEED);
        int rows = 37;
        int cols = 2053; // odd: a vector tail in every row; rows x cols above the per-worker grain
        int ld = cols + 5;
        float[] src = values(random, 3 + rows * ld);
        try (Parallel one = new Parallel(1); Parallel two = new Parallel(2); Arena arena = Arena.ofShared()) {
            MemorySegment expected = arena.allocate(2L * rows * cols);
            new Bf16Pack(one, false).toBf16(src, 3, ld, rows, cols, expected);
            for (Bf16Pack packer : new Bf16Pack[] {new Bf16Pack(one, true), new Bf16Pack(two, false),
                    new Bf16Pack(two, true)}) {
                MemorySegment actual = arena.allocate(2L * rows * cols);
                packer.toBf16(src, 3, ld, rows, cols, actual);
                for (long i = 0; i < (long) rows * cols; i++) {
                    assertEquals(expected.getAtIndex(JAVA_SHORT, i), actual.getAtIndex(JAVA_SHORT, i),
                            "element " + i + " (seed " + SEED + ")");
                }
            }
            // Contiguous (ld == cols) takes the flat split.
            MemorySegment flat = arena.allocate(2L * rows * cols);
            new Bf16Pack(two, true).toBf16(src, 3, cols, rows, cols, flat);
            for (long i = 0; i < (long) rows * cols; i++) {
                assertEquals(Bf16Pack.bits(src[3 + (int) i]), flat.getAtIndex(JAVA_SHORT, i),
                        "flat element " + i + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void vectorRoundingInFloat32GivesTheScalarBits() {
        float[] src = values(new SplittableRandom(SEED), 3 + 70001);
        float[] expected = new float[70001];
        Rounding.roundRange(dev.wafer.ports.compute.OperandFormat.BF16, src, 3, expected, 0, expected.length);
        try (Parallel two = new Parallel(2)) {
            float[] actual = new float[expected.length];
            new Rounding(dev.wafer.ports.compute.OperandFormat.BF16, two, true).round(src, 3, actual, actual.length);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                        "element " + i + " = " + src[3 + i] + " (seed " + SEED + ")");
            }
        }
    }

    @Test
    void productCopiesAndAdditionsMatchTheScalarLoop() {
        SplittableRandom random = new SplittableRandom(SEED);
        int m = 41;
        int n = 1999;
        int ldc = n + 3;
        try (Parallel two = new Parallel(2); Arena arena = Arena.ofShared()) {
            MemorySegment product = arena.allocate(4L * m * n);
            for (long i = 0; i < (long) m * n; i++) {
                product.setAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i, (float) random.nextGaussian());
            }
            float[] c0 = values(random, 2 + m * ldc);
            for (boolean accumulate : new boolean[] {false, true}) {
                for (boolean vectorized : new boolean[] {false, true}) {
                    float[] c = c0.clone();
                    new Bf16Pack(two, vectorized).fromF32(product, m, n, c, 2, ldc, accumulate);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < ldc; j++) {
                            int at = 2 + i * ldc + j;
                            float expected = j >= n ? c0[at] : (accumulate ? c0[at] : 0f)
                                    + product.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, (long) i * n + j);
                            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(c[at]),
                                    "accumulate " + accumulate + " vectorized " + vectorized + " at " + at
                                            + " (seed " + SEED + ")");
                        }
                    }
                    assertEquals(c0[0], c[0], 0.0);
                    assertEquals(c0[1], c[1], 0.0);
                }
            }
        }
    }

    /** Gaussians of varied scale plus the special values. */
    private static float[] values(SplittableRandom random, int n) {
        float[] v = new float[n];
        float[] special = {0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.intBitsToFloat(0x7FC00001), Float.intBitsToFloat(0xFF800001), Float.MAX_VALUE, -Float.MAX_VALUE,
                Float.MIN_VALUE, Float.MIN_NORMAL, Float.intBitsToFloat(0x3F808000), Float.intBitsToFloat(0x3F818000),
                Float.intBitsToFloat(0x3F80FFFF), Float.intBitsToFloat(0x7F7F8000)};
        for (int i = 0; i < n; i++) {
            v[i] = i % 7 == 0 ? special[(i / 7) % special.length]
                    : (float) (random.nextGaussian() * Math.pow(10, random.nextInt(-30, 30)));
        }
        return v;
    }
}
