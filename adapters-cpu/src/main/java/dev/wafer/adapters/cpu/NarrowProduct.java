package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code C(m,n) (+)= op(A)(m,k) · B(n,k)ᵀ} for at most {@link VectorSgemm#MR} rows of C: a decoding step's linear
 * layers and LM head, one position per sequence. The packed GEMM would transpose all of B into panels and then run
 * an 8-row tile for one row; here each 8 x 8 block of B is transposed in registers into a scratch block that stays in
 * L1 and used at once, and the columns, not the rows, are split over the workers.
 *
 * <p>Bit for bit the packed GEMM's result: each element is the same chain of fused multiply-adds in depth order,
 * from zero, per {@link VectorSgemm#KC}-deep slab, each slab then added to C. So a row of C does not depend on how
 * many rows were multiplied with it, and a decoded token's logits are those of the same row in a batch.
 */
final class NarrowProduct {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_256;
    private static final int W = Transpose8.SIDE;
    /** Columns of C (groups of 8) a worker gets at least: a smaller share costs more to hand over than it saves. */
    private static final int GRAIN_GROUPS = 16;
    /**
     * Rows up to which each row takes {@link #oneRow} (the block of B it reads again is still in L1) rather than
     * {@link #group}, whose eight accumulators do 8 rows' work whatever m is. Measured on 2 threads (GFLOP/s, this
     * way against {@code group}): 2x3072x768 23.6-24.4 against 10.4-18.6, 2x768x3072 20.4 against 9.9,
     * 2x50257x768 16.5-16.7 against 10.8-14.3; at three rows {@code group} won one shape of three (3x768x3072: 26.4-26.7
     * against 20.8-20.9). A prompt of two tokens also warms one path for its prefill and its decoding, not two.
     */
    static final int ROW_BY_ROW = 2;

    private final Parallel parallel;
    /** Per worker: one transposed 8 x 8 block of B. */
    private final float[][] scratch;
    private float[] packedA = new float[0];

    NarrowProduct(Parallel parallel) {
        this.parallel = parallel;
        this.scratch = new float[parallel.workers()][W * W];
    }

    /**
     * Whether this product is for the shape: B transposed (a linear layer's forward), one tile of rows, and vectors
     * of 8 floats in hardware.
     */
    static boolean accepts(boolean transB, int m) {
        return transB && m <= VectorSgemm.MR && VectorSgemm.MR == W && Transpose8.NATIVE;
    }

    void gemm(boolean transA, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, boolean accumulate) {
        int slabs = (k + VectorSgemm.KC - 1) / VectorSgemm.KC;
        if (packedA.length < slabs * VectorSgemm.KC * W) {
            packedA = new float[slabs * VectorSgemm.KC * W];
        }
        float[] pa = packedA;
        for (int s = 0; s < slabs; s++) {
            int pc = s * VectorSgemm.KC;
            int kc = Math.min(VectorSgemm.KC, k - pc);
            VectorSgemm.packA(transA, a, aOff, lda, 0, m, pc, kc, pa, s * VectorSgemm.KC * W);
        }
        int groups = (n + W - 1) / W;
        parallel.range(groups, GRAIN_GROUPS, (w, from, to) -> {
            float[] block = scratch[w];
            for (int g = from; g < to; g++) {
                int j0 = g * W;
                int cols = Math.min(W, n - j0);
                for (int s = 0; s < slabs; s++) {
                    int pc = s * VectorSgemm.KC;
                    int kc = Math.min(VectorSgemm.KC, k - pc);
                    boolean add = accumulate || s > 0;
                    if (cols == W && m <= ROW_BY_ROW) {
                        for (int r = 0; r < m; r++) {
                            oneRow(pa, s * VectorSgemm.KC * W + r, b, bOff + j0 * ldb + pc, ldb, kc, block, c,
                                    cOff + r * ldc + j0, add);
                        }
                    } else if (cols == W) {
                        group(pa, s * VectorSgemm.KC * W, b, bOff + j0 * ldb + pc, ldb, kc, block, m, c,
                                cOff + j0, ldc, add);
                    } else {
                        partialGroup(pa, s * VectorSgemm.KC * W, b, bOff + j0 * ldb + pc, ldb, kc, cols, m, c,
                                cOff + j0, ldc, add);
                    }
                }
            }
        });
    }

    /**
     * Eight columns of one row of C over one slab ({@link #group} for m = 1): the transposed columns go straight into
     * the row's multiply-adds. {@code block[0..8)} holds the accumulator between the full blocks and the ragged
     * depths, {@code block[8..16)} a ragged depth's column.
     */
    private static void oneRow(float[] pa, int paOff, float[] b, int bRow, int ldb, int kc, float[] block, float[] c,
                               int cOff, boolean add) {
        int full = kc - kc % W;
        FloatVector.zero(S).intoArray(block, 0);
        Transpose8.accumulateRow(b, bRow, ldb, full / W, pa, paOff, W, block, 0);
        FloatVector acc = FloatVector.fromArray(S, block, 0);
        for (int q = 0; q < kc - full; q++) {
            for (int r = 0; r < W; r++) {
                block[W + r] = b[bRow + r * ldb + full + q];
            }
            acc = FloatVector.broadcast(S, pa[paOff + (full + q) * W]).fma(FloatVector.fromArray(S, block, W), acc);
        }
        store(acc, c, cOff, add);
    }

    /** Eight columns of C over one slab: eight rows of B, transposed 8 depths at a time. */
    private static void group(float[] pa, int paOff, float[] b, int bRow, int ldb, int kc, float[] block, int m,
                              float[] c, int cOff, int ldc, boolean add) {
        FloatVector zero = FloatVector.zero(S);
        FloatVector c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero, c5 = zero, c6 = zero, c7 = zero;
        for (int p0 = 0; p0 < kc; p0 += W) {
            int depths = Math.min(W, kc - p0);
            if (depths == W) {
                Transpose8.block(b, bRow + p0, ldb, block, 0, W);
            } else {
                for (int q = 0; q < depths; q++) {
                    for (int r = 0; r < W; r++) {
                        block[q * W + r] = b[bRow + r * ldb + p0 + q];
                    }
                }
            }
            for (int q = 0; q < depths; q++) {
                FloatVector col = FloatVector.fromArray(S, block, q * W);
                int ai = paOff + (p0 + q) * W;
                c0 = FloatVector.broadcast(S, pa[ai]).fma(col, c0);
                c1 = FloatVector.broadcast(S, pa[ai + 1]).fma(col, c1);
                c2 = FloatVector.broadcast(S, pa[ai + 2]).fma(col, c2);
                c3 = FloatVector.broadcast(S, pa[ai + 3]).fma(col, c3);
                c4 = FloatVector.broadcast(S, pa[ai + 4]).fma(col, c4);
                c5 = FloatVector.broadcast(S, pa[ai + 5]).fma(col, c5);
                c6 = FloatVector.broadcast(S, pa[ai + 6]).fma(col, c6);
                c7 = FloatVector.broadcast(S, pa[ai + 7]).fma(col, c7);
            }
        }
        store(c0, c, cOff, add);
        if (m > 1) {
            store(c1, c, cOff + ldc, add);
        }
        if (m > 2) {
            store(c2, c, cOff + 2 * ldc, add);
        }
        if (m > 3) {
            store(c3, c, cOff + 3 * ldc, add);
        }
        if (m > 4) {
            store(c4, c, cOff + 4 * ldc, add);
        }
        if (m > 5) {
            store(c5, c, cOff + 5 * ldc, add);
        }
        if (m > 6) {
            store(c6, c, cOff + 6 * ldc, add);
        }
        if (m > 7) {
            store(c7, c, cOff + 7 * ldc, add);
        }
    }

    private static void store(FloatVector sum, float[] c, int at, boolean add) {
        (add ? sum.add(FloatVector.fromArray(S, c, at)) : sum).intoArray(c, at);
    }

    /** The last columns when n is not a multiple of 8: the same fused multiply-adds, one element at a time. */
    private static void partialGroup(float[] pa, int paOff, float[] b, int bRow, int ldb, int kc, int cols, int m,
                                     float[] c, int cOff, int ldc, boolean add) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < cols; j++) {
                int row = bRow + j * ldb;
                float sum = 0f;
                for (int p = 0; p < kc; p++) {
                    sum = Math.fma(pa[paOff + p * W + i], b[row + p], sum);
                }
                int at = cOff + i * ldc + j;
                c[at] = add ? sum + c[at] : sum;
            }
        }
    }
}
