package dev.wafer.adapters.opencl;

/**
 * The kernels of the layers other than attention: token + position embedding, LayerNorm, the linear layer (a
 * register-blocked GEMM with strided operands, a GEMM for few rows, and the bias gradient) and fused softmax + cross-entropy. Buffer arguments are offsets
 * into {@link #mem}; token and target ids are in {@link #ints}.
 */
abstract class ClLayerKernels extends ClElementwiseKernels {
    ClLayerKernels(int arenaCapacity, int stageCapacity, int intCapacity) {
        super(arenaCapacity, stageCapacity, intCapacity);
    }

    /** out(B*T, C) = multiplier * (wte[token] + wpe[pos]); n = B*T*C work-items. */
    void encoderForward(int out, int wte, int wpe, int n, int t, int c, float multiplier) {
        int g = getGlobalId();
        if (g < n) {
            int bt = g / c;
            int i = g - bt * c;
            int pos = bt % t;
            mem[out + g] = multiplier * (mem[wte + ints[bt] * c + i] + mem[wpe + pos * c + i]);
        }
    }

    /** One work-item per channel accumulates every one of the B*T rows in order, so repeated tokens never race. */
    void encoderBackward(int dwte, int dwpe, int dout, int rows, int t, int c, float multiplier) {
        int i = getGlobalId();
        if (i < c) {
            for (int bt = 0; bt < rows; bt++) {
                float d = multiplier * mem[dout + bt * c + i];
                int pos = bt % t;
                mem[dwte + ints[bt] * c + i] += d;
                mem[dwpe + pos * c + i] += d;
            }
        }
    }

    /** One work-item per row: two-pass mean and variance, then the normalised, scaled and shifted row. */
    void layerNormForward(int out, int mean, int rstd, int inp, int weight, int bias, int rows, int c, float eps) {
        int r = getGlobalId();
        if (r < rows) {
            int x = inp + r * c;
            float sum = 0f;
            for (int i = 0; i < c; i++) {
                sum += mem[x + i];
            }
            float m = sum / c;
            float var = 0f;
            for (int i = 0; i < c; i++) {
                float d = mem[x + i] - m;
                var += d * d;
            }
            var = var / c;
            float s = 1f / sqrt(var + eps);
            int y = out + r * c;
            for (int i = 0; i < c; i++) {
                mem[y + i] = (mem[x + i] - m) * s * mem[weight + i] + mem[bias + i];
            }
            mem[mean + r] = m;
            mem[rstd + r] = s;
        }
    }

    /** One work-item per row writes dinp. */
    void layerNormBackwardInput(int dinp, int dout, int inp, int weight, int mean, int rstd, int rows, int c) {
        int r = getGlobalId();
        if (r < rows) {
            float m = mem[mean + r];
            float s = mem[rstd + r];
            int x = inp + r * c;
            int dy = dout + r * c;
            float dnormMean = 0f;
            float dnormNormMean = 0f;
            for (int i = 0; i < c; i++) {
                float norm = (mem[x + i] - m) * s;
                float dnorm = mem[weight + i] * mem[dy + i];
                dnormMean += dnorm;
                dnormNormMean += dnorm * norm;
            }
            dnormMean = dnormMean / c;
            dnormNormMean = dnormNormMean / c;
            int dx = dinp + r * c;
            for (int i = 0; i < c; i++) {
                float norm = (mem[x + i] - m) * s;
                float dnorm = mem[weight + i] * mem[dy + i];
                mem[dx + i] = (dnorm - dnormMean - norm * dnormNormMean) * s;
            }
        }
    }

    /** One work-item per channel accumulates dweight and dbias over the rows. */
    void layerNormBackwardParams(int dweight, int dbias, int dout, int inp, int mean, int rstd, int rows, int c) {
        int i = getGlobalId();
        if (i < c) {
            float dw = 0f;
            float db = 0f;
            for (int r = 0; r < rows; r++) {
                float dy = mem[dout + r * c + i];
                float norm = (mem[inp + r * c + i] - mem[mean + r]) * mem[rstd + r];
                dw += norm * dy;
                db += dy;
            }
            mem[dweight + i] += dw;
            mem[dbias + i] += db;
        }
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

    /** out row {@code rowAt}, column col = acc [+ bias[col]] [+ its value], as {@link #gemm} adds them; nothing past cols. */
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
                int at = out + row * cols + col;
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
    }

    /** dbias[j] += sum over rows of dout[r, j]; one work-item per column. */
    void columnSumAccumulate(int dbias, int dout, int rows, int cols) {
        int j = getGlobalId();
        if (j < cols) {
            float s = 0f;
            for (int r = 0; r < rows; r++) {
                s += mem[dout + r * cols + j];
            }
            mem[dbias + j] += s;
        }
    }

    /**
     * A work-group per row (launched over rows * GROUP items): loss = -ln p[target] with p = softmax(scale * logits),
     * float exponentials summed as a pair of floats (about a double's precision; see {@link #groupRowSum}), and into
     * {@code out} either p ({@code gradient == 0}, the forward) or dloss * scale * (p - onehot(target)) from the same
     * float p (training's forward and backward in one pass, the bits of {@link #crossEntropyBackward} after the
     * forward, without writing and reading back p); out may be logits. Targets in {@link #ints}. Each item takes the
     * row's columns l, l + GROUP, ... (adjacent items read adjacent logits), and the group combines its items'
     * maxima and sums in local memory. Why: one work-item per row walked 50,257 logits alone, three times, with its
     * neighbours a row apart, and a double exponential per logit.
     */
    void crossEntropyRows(int losses, int out, int logits, int rows, int v, float scale, float dloss, int gradient) {
        int r = getGroupId();
        int l = getLocalId();
        int x = logits + r * v;
        int t = ints[r];
        // Read before any item overwrites its logits (out may be logits).
        float target = scale * mem[x + t];
        float max = groupRowMax(x, v, scale, l);
        groupRowSum(x, v, scale, max, l);
        float high = groupFloats[0];
        float low = groupLows[0];
        if (l == 0) {
            // log(high + low) = log(high) + low / high to within low's square.
            mem[losses + r] = (log(high) + low / high) - (target - max);
        }
        float inv = 1f / high;
        int o = out + r * v;
        for (int j = l; j < v; j += GROUP) {
            float p = exp(scale * mem[x + j] - max) * inv;
            float ind = j == t ? 1f : 0f;
            mem[o + j] = gradient != 0 ? dloss * scale * (p - ind) : p;
        }
    }

    /** The row's largest scale * x[j], every item of the group getting it (item l reads columns l, l + GROUP, ...). */
    float groupRowMax(int x, int v, float scale, int l) {
        float max = -3.4028235e38f;
        for (int j = l; j < v; j += GROUP) {
            max = max(max, scale * mem[x + j]);
        }
        groupFloats[l] = max;
        localBarrier();
        for (int span = GROUP / 2; span > 0; span = span / 2) {
            if (l < span) {
                groupFloats[l] = max(groupFloats[l], groupFloats[l + span]);
            }
            localBarrier();
        }
        return groupFloats[0];
    }

    /**
     * The row's sum of exp(scale * x[j] - max) as a pair of floats, high in groupFloats[0] and low in groupLows[0]
     * for every item of the group to read: each item's share added by Knuth's two-sum (the rounding error of each
     * addition kept in low), then the items' pairs combined the same way in local memory. About 48 significant bits,
     * as a double's 53, without double arithmetic (slow on most GPUs, absent on some).
     */
    void groupRowSum(int x, int v, float scale, float max, int l) {
        float high = 0f;
        float low = 0f;
        for (int j = l; j < v; j += GROUP) {
            float term = exp(scale * mem[x + j] - max);
            float sum = high + term;
            float back = sum - high;
            low = low + ((high - (sum - back)) + (term - back));
            high = sum;
        }
        // Every item has read the maximum out of groupFloats[0] before any item overwrites it.
        localBarrier();
        groupFloats[l] = high;
        groupLows[l] = low;
        localBarrier();
        for (int span = GROUP / 2; span > 0; span = span / 2) {
            if (l < span) {
                float a = groupFloats[l];
                float b = groupFloats[l + span];
                float sum = a + b;
                float back = sum - a;
                groupLows[l] = groupLows[l] + groupLows[l + span] + ((a - (sum - back)) + (b - back));
                groupFloats[l] = sum;
            }
            localBarrier();
        }
    }

    /** dlogits = dloss * scale * (p - onehot) over n = N*V elements; dlogits may be probs. Targets in {@link #ints}. */
    void crossEntropyBackward(int dlogits, int probs, int n, int v, float scale, float dloss) {
        int g = getGlobalId();
        if (g < n) {
            int r = g / v;
            int j = g - r * v;
            float ind = j == ints[r] ? 1f : 0f;
            mem[dlogits + g] = dloss * scale * (mem[probs + g] - ind);
        }
    }
}
