package dev.wafer.adapters.opencl;

/**
 * The products: the register-blocked GEMM with strided, batched operands (the linear layers and attention) and the
 * GEMM for a few rows (decoding). Buffer arguments are offsets into {@link #mem}.
 */
abstract class ClProductKernels extends ClElementwiseKernels {
    ClProductKernels(int arenaCapacity, int stageCapacity, int intCapacity) {
        super(arenaCapacity, stageCapacity, intCapacity);
    }

    /**
     * out(rows, cols) = [out +] A(rows, inner) B(inner, cols) [+ bias] for each of a batch of products (group id 2,
     * z), with A(m, k) = a[z*aBatchStride + m*aRowStride + k*aColStride], B(k, j) = b[z*bBatchStride + k*bRowStride +
     * j*bColStride] and out(m, j) at out[z*outBatchStride + m*outRowStride + j]; the bias is added when hasBias != 0,
     * out accumulated when accumulate != 0. Each output is summed over k in order, then the bias and the
     * accumulation are added.
     *
     * <p>{@code causal} serves attention's products, where one operand is zero on one side of the diagonal: 1 skips
     * the blocks of out wholly above the diagonal (nothing is written there), 2 ends the sum at k = the block's last
     * row (A is zero for k past a row), 3 starts it at k = the block's first row (A is zero for k before a row). The
     * terms left out are products with an exact zero, so the sums are those of the whole product.
     *
     * <p>Register-blocked: a group of TILE x TILE work-items computes a BLOCK x BLOCK block of out, each work-item the
     * 4 x 4 outputs at rows {@code ly + 16 i} and columns {@code lx + 16 j} (so its loads of tileB and its stores are
     * consecutive across lx). Per k step of TILE the group stages A (BLOCK x TILE) and B (TILE x BLOCK) in local
     * memory, both with k as the slow index, reading along whichever of each operand's strides is 1. Why: a work-item
     * per output loads two local values per multiply-add, this one eight per sixteen (the step of the default model
     * on PoCL: products 2.4-2.8x faster).
     */
    void gemm(int out, int outRowStride, int outBatchStride, int a, int aRowStride, int aColStride, int aBatchStride,
              int b, int bRowStride, int bColStride, int bBatchStride, int bias, int hasBias, int rows, int cols,
              int inner, int accumulate, int causal) {
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int item = ly * TILE + lx;
        int rowBase = getGroupId(1) * BLOCK;
        int colBase = getGroupId(0) * BLOCK;
        int z = getGroupId(2);
        int az = a + z * aBatchStride;
        int bz = b + z * bBatchStride;
        boolean skipped = causal == 1 && colBase > rowBase + BLOCK - 1;
        int kStart = causal == 3 ? min(rowBase, inner) : 0;
        int kEnd = skipped ? 0 : (causal == 2 ? min(rowBase + BLOCK, inner) : inner);
        float c00 = 0f;
        float c01 = 0f;
        float c02 = 0f;
        float c03 = 0f;
        float c10 = 0f;
        float c11 = 0f;
        float c12 = 0f;
        float c13 = 0f;
        float c20 = 0f;
        float c21 = 0f;
        float c22 = 0f;
        float c23 = 0f;
        float c30 = 0f;
        float c31 = 0f;
        float c32 = 0f;
        float c33 = 0f;
        for (int k0 = kStart; k0 < kEnd; k0 += TILE) {
            for (int q = 0; q < 4; q++) {
                int e = item + q * TILE * TILE;
                // A(m, k) into tileA[k * BLOCK + m]: consecutive items take consecutive m where A's rows are
                // adjacent in memory (a transposed operand), consecutive k otherwise.
                int am = aRowStride == 1 ? (e & 63) : (e >> 4);
                int ak = aRowStride == 1 ? (e >> 6) : (e & 15);
                int gm = rowBase + am;
                int gk = k0 + ak;
                tileA[ak * BLOCK + am] = (gm < rows && gk < kEnd) ? mem[az + gm * aRowStride + gk * aColStride] : 0f;
                int bn = bColStride == 1 ? (e & 63) : (e >> 4);
                int bk = bColStride == 1 ? (e >> 6) : (e & 15);
                int gn = colBase + bn;
                int hk = k0 + bk;
                tileB[bk * BLOCK + bn] = (gn < cols && hk < kEnd) ? mem[bz + hk * bRowStride + gn * bColStride] : 0f;
            }
            localBarrier();
            for (int kk = 0; kk < TILE; kk++) {
                int at = kk * BLOCK + ly;
                int bt = kk * BLOCK + lx;
                float a0 = tileA[at];
                float a1 = tileA[at + 16];
                float a2 = tileA[at + 32];
                float a3 = tileA[at + 48];
                float b0 = tileB[bt];
                float b1 = tileB[bt + 16];
                float b2 = tileB[bt + 32];
                float b3 = tileB[bt + 48];
                c00 += a0 * b0;
                c01 += a0 * b1;
                c02 += a0 * b2;
                c03 += a0 * b3;
                c10 += a1 * b0;
                c11 += a1 * b1;
                c12 += a1 * b2;
                c13 += a1 * b3;
                c20 += a2 * b0;
                c21 += a2 * b1;
                c22 += a2 * b2;
                c23 += a2 * b3;
                c30 += a3 * b0;
                c31 += a3 * b1;
                c32 += a3 * b2;
                c33 += a3 * b3;
            }
            localBarrier();
        }
        if (!skipped) {
            int row = rowBase + ly;
            int col = colBase + lx;
            int oz = out + z * outBatchStride;
            storeBlocked(oz, outRowStride, row, col, c00, c01, c02, c03, bias, hasBias, rows, cols, accumulate);
            storeBlocked(oz, outRowStride, row + 16, col, c10, c11, c12, c13, bias, hasBias, rows, cols, accumulate);
            storeBlocked(oz, outRowStride, row + 32, col, c20, c21, c22, c23, bias, hasBias, rows, cols, accumulate);
            storeBlocked(oz, outRowStride, row + 48, col, c30, c31, c32, c33, bias, hasBias, rows, cols, accumulate);
        }
    }

    /** One row of a work-item's outputs of {@link #gemm}: columns col, col + 16, col + 32, col + 48. */
    void storeBlocked(int out, int outRowStride, int row, int col, float v0, float v1, float v2, float v3, int bias,
                      int hasBias, int rows, int cols, int accumulate) {
        if (row < rows) {
            int at = out + row * outRowStride;
            storeOne(at, col, v0, bias, hasBias, cols, accumulate);
            storeOne(at, col + 16, v1, bias, hasBias, cols, accumulate);
            storeOne(at, col + 32, v2, bias, hasBias, cols, accumulate);
            storeOne(at, col + 48, v3, bias, hasBias, cols, accumulate);
        }
    }

    /**
     * Row {@code rowAt} of out, column col = acc [+ bias[col]] [+ its value], as {@link #gemm} adds them; nothing
     * past cols.
     */
    void storeOne(int rowAt, int col, float acc, int bias, int hasBias, int cols, int accumulate) {
        if (col < cols) {
            int at = rowAt + col;
            float v = acc;
            if (hasBias != 0) {
                v += mem[bias + col];
            }
            if (accumulate != 0) {
                v += mem[at];
            }
            mem[at] = v;
        }
    }

    /**
     * {@link #gemm}'s product for few rows (a decoding step): one work-item per column, each row's dot product over
     * k in order, then the bias and the accumulation, as {@code gemm} adds them. {@code gemm} computes blocks of 64
     * rows, so one row of output would leave 63 of every 64 rows of its work idle.
     */
    void gemmRows(int out, int a, int aRowStride, int aColStride, int b, int bRowStride, int bColStride, int bias,
                  int hasBias, int rows, int cols, int inner, int accumulate) {
        int col = getGlobalId();
        if (col < cols) {
            for (int row = 0; row < rows; row++) {
                float acc = 0f;
                for (int k = 0; k < inner; k++) {
                    acc += mem[a + row * aRowStride + k * aColStride] * mem[b + k * bRowStride + col * bColStride];
                }
                storeOne(out + row * cols, col, acc, bias, hasBias, cols, accumulate);
            }
        }
    }
}
