package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes 8 x 8 blocks of floats in registers: eight 8-float loads, three rounds of two-source lane shuffles
 * (distance 1, 2, then 4), eight 8-float stores. Why: a linear layer's weights are stored one output per row, and the
 * GEMM wants them one depth per row; element by element that transpose took as long as the product itself for
 * products of a few rows (decoding), and this does it in about half the time. Pure data movement: values are copied,
 * never combined.
 */
final class Transpose8 {
    /** Side of a block. */
    static final int SIDE = 8;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    /**
     * Whether this machine's vectors hold 8 floats: where they are narrower (128-bit NEON, SSE) 256-bit vectors are
     * emulated in Java, far slower than the element-by-element copy, and callers keep that.
     */
    static final boolean NATIVE = FloatVector.SPECIES_PREFERRED.vectorBitSize() >= S.vectorBitSize();
    private static final VectorShuffle<Float> LOW1 = shuffle(1, true);
    private static final VectorShuffle<Float> HIGH1 = shuffle(1, false);
    private static final VectorShuffle<Float> LOW2 = shuffle(2, true);
    private static final VectorShuffle<Float> HIGH2 = shuffle(2, false);
    private static final VectorShuffle<Float> LOW4 = shuffle(4, true);
    private static final VectorShuffle<Float> HIGH4 = shuffle(4, false);

    private Transpose8() {
    }

    /**
     * One round of the butterfly for rows x and y (the second source): the low result takes x's lanes whose bit
     * {@code d} is clear and puts y's lane {@code i - d} where it is set; the high result takes x's lane {@code i + d}
     * and y's lane {@code i}.
     */
    private static VectorShuffle<Float> shuffle(int d, boolean low) {
        int[] lanes = new int[SIDE];
        for (int i = 0; i < SIDE; i++) {
            boolean set = (i & d) != 0;
            // Indices SIDE and up name the second vector's lanes.
            lanes[i] = low ? (set ? SIDE + i - d : i) : (set ? SIDE + i : i + d);
        }
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    /**
     * Writes {@code dst[dstOff + q*dstStride + r] = src[srcOff + r*srcStride + q]} for r, q in [0, 8): row r of the
     * source block becomes column r of the destination block.
     */
    static void block(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride) {
        FloatVector x0 = FloatVector.fromArray(S, src, srcOff);
        FloatVector x1 = FloatVector.fromArray(S, src, srcOff + srcStride);
        FloatVector x2 = FloatVector.fromArray(S, src, srcOff + 2 * srcStride);
        FloatVector x3 = FloatVector.fromArray(S, src, srcOff + 3 * srcStride);
        FloatVector x4 = FloatVector.fromArray(S, src, srcOff + 4 * srcStride);
        FloatVector x5 = FloatVector.fromArray(S, src, srcOff + 5 * srcStride);
        FloatVector x6 = FloatVector.fromArray(S, src, srcOff + 6 * srcStride);
        FloatVector x7 = FloatVector.fromArray(S, src, srcOff + 7 * srcStride);
        FloatVector y0 = x0.rearrange(LOW1, x1);
        FloatVector y1 = x0.rearrange(HIGH1, x1);
        FloatVector y2 = x2.rearrange(LOW1, x3);
        FloatVector y3 = x2.rearrange(HIGH1, x3);
        FloatVector y4 = x4.rearrange(LOW1, x5);
        FloatVector y5 = x4.rearrange(HIGH1, x5);
        FloatVector y6 = x6.rearrange(LOW1, x7);
        FloatVector y7 = x6.rearrange(HIGH1, x7);
        FloatVector z0 = y0.rearrange(LOW2, y2);
        FloatVector z2 = y0.rearrange(HIGH2, y2);
        FloatVector z1 = y1.rearrange(LOW2, y3);
        FloatVector z3 = y1.rearrange(HIGH2, y3);
        FloatVector z4 = y4.rearrange(LOW2, y6);
        FloatVector z6 = y4.rearrange(HIGH2, y6);
        FloatVector z5 = y5.rearrange(LOW2, y7);
        FloatVector z7 = y5.rearrange(HIGH2, y7);
        z0.rearrange(LOW4, z4).intoArray(dst, dstOff);
        z1.rearrange(LOW4, z5).intoArray(dst, dstOff + dstStride);
        z2.rearrange(LOW4, z6).intoArray(dst, dstOff + 2 * dstStride);
        z3.rearrange(LOW4, z7).intoArray(dst, dstOff + 3 * dstStride);
        z0.rearrange(HIGH4, z4).intoArray(dst, dstOff + 4 * dstStride);
        z1.rearrange(HIGH4, z5).intoArray(dst, dstOff + 5 * dstStride);
        z2.rearrange(HIGH4, z6).intoArray(dst, dstOff + 6 * dstStride);
        z3.rearrange(HIGH4, z7).intoArray(dst, dstOff + 7 * dstStride);
    }

    /**
     * One row of a product over {@code blocks} consecutive 8 x 8 blocks, without storing the transposes: for each
     * block, {@code acc = fma(a[aOff + q*aStride], column q, acc)} for q = 0..7 in order, where column q holds
     * {@code src[srcOff + r*srcStride + q]} in lane r; block {@code i} starts 8 floats further in {@code src} and
     * 8 rows further in {@code a}. The accumulator is read from and written back to {@code acc[accOff..accOff+8)}.
     * Why: a single row (decoding one sequence) uses each transposed column once, so the round trip through a scratch
     * block and the seven idle rows' multiply-adds of the 8-row path cost more than the product; the chain of fused
     * multiply-adds is the same, in the same order. The loop is inside and only arrays cross the call: a vector
     * passed into a method C2 did not inline loses its intrinsics (a generation run spent 90% of its samples in the
     * Vector API's Java fallback that way). The loads and shuffles repeat {@link #block}'s on purpose: calling it and
     * reading the columns back from a scratch block ran one row at 6.6-9.8 GFLOP/s against 11.2-23.2 this way.
     */
    static void accumulateRow(float[] src, int srcOff, int srcStride, int blocks, float[] a, int aOff, int aStride,
                              float[] acc, int accOff) {
        FloatVector sum = FloatVector.fromArray(S, acc, accOff);
        for (int i = 0; i < blocks; i++) {
            int at = srcOff + i * SIDE;
            int ai = aOff + i * SIDE * aStride;
            FloatVector x0 = FloatVector.fromArray(S, src, at);
            FloatVector x1 = FloatVector.fromArray(S, src, at + srcStride);
            FloatVector x2 = FloatVector.fromArray(S, src, at + 2 * srcStride);
            FloatVector x3 = FloatVector.fromArray(S, src, at + 3 * srcStride);
            FloatVector x4 = FloatVector.fromArray(S, src, at + 4 * srcStride);
            FloatVector x5 = FloatVector.fromArray(S, src, at + 5 * srcStride);
            FloatVector x6 = FloatVector.fromArray(S, src, at + 6 * srcStride);
            FloatVector x7 = FloatVector.fromArray(S, src, at + 7 * srcStride);
            FloatVector y0 = x0.rearrange(LOW1, x1);
            FloatVector y1 = x0.rearrange(HIGH1, x1);
            FloatVector y2 = x2.rearrange(LOW1, x3);
            FloatVector y3 = x2.rearrange(HIGH1, x3);
            FloatVector y4 = x4.rearrange(LOW1, x5);
            FloatVector y5 = x4.rearrange(HIGH1, x5);
            FloatVector y6 = x6.rearrange(LOW1, x7);
            FloatVector y7 = x6.rearrange(HIGH1, x7);
            FloatVector z0 = y0.rearrange(LOW2, y2);
            FloatVector z2 = y0.rearrange(HIGH2, y2);
            FloatVector z1 = y1.rearrange(LOW2, y3);
            FloatVector z3 = y1.rearrange(HIGH2, y3);
            FloatVector z4 = y4.rearrange(LOW2, y6);
            FloatVector z6 = y4.rearrange(HIGH2, y6);
            FloatVector z5 = y5.rearrange(LOW2, y7);
            FloatVector z7 = y5.rearrange(HIGH2, y7);
            sum = FloatVector.broadcast(S, a[ai]).fma(z0.rearrange(LOW4, z4), sum);
            sum = FloatVector.broadcast(S, a[ai + aStride]).fma(z1.rearrange(LOW4, z5), sum);
            sum = FloatVector.broadcast(S, a[ai + 2 * aStride]).fma(z2.rearrange(LOW4, z6), sum);
            sum = FloatVector.broadcast(S, a[ai + 3 * aStride]).fma(z3.rearrange(LOW4, z7), sum);
            sum = FloatVector.broadcast(S, a[ai + 4 * aStride]).fma(z0.rearrange(HIGH4, z4), sum);
            sum = FloatVector.broadcast(S, a[ai + 5 * aStride]).fma(z1.rearrange(HIGH4, z5), sum);
            sum = FloatVector.broadcast(S, a[ai + 6 * aStride]).fma(z2.rearrange(HIGH4, z6), sum);
            sum = FloatVector.broadcast(S, a[ai + 7 * aStride]).fma(z3.rearrange(HIGH4, z7), sum);
        }
        sum.intoArray(acc, accOff);
    }
}
