package dev.wafer.adapters.opencl;

/**
 * The kernels of the layers other than attention: token + position embedding, LayerNorm, the linear layer (a tiled
 * GEMM with strided operands and the bias gradient) and fused softmax + cross-entropy. Buffer arguments are offsets
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
     * Tiled out(rows, cols) = [out +] A(rows, inner) B(inner, cols) [+ bias], with A(m, k) = a[m*aRowStride +
     * k*aColStride] and B(k, j) = b[k*bRowStride + j*bColStride]; out row-major with leading dimension cols; the bias
     * is added when hasBias != 0, out accumulated when accumulate != 0. Launched as a 2-D range of TILE x TILE groups
     * (dimension 0 over columns, 1 over rows).
     */
    void gemm(int out, int a, int aRowStride, int aColStride, int b, int bRowStride, int bColStride, int bias,
              int hasBias, int rows, int cols, int inner, int accumulate) {
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int rowBase = getGroupId(1) * TILE;
        int colBase = getGroupId(0) * TILE;
        float acc = 0f;
        for (int k0 = 0; k0 < inner; k0 += TILE) {
            int ar = rowBase + ly;
            int ak = k0 + lx;
            tileA[ly * TILE + lx] = (ar < rows && ak < inner) ? mem[a + ar * aRowStride + ak * aColStride] : 0f;
            int bk = k0 + ly;
            int bc = colBase + lx;
            tileB[ly * TILE + lx] = (bk < inner && bc < cols) ? mem[b + bk * bRowStride + bc * bColStride] : 0f;
            localBarrier();
            for (int kk = 0; kk < TILE; kk++) {
                acc += tileA[ly * TILE + kk] * tileB[kk * TILE + lx];
            }
            localBarrier();
        }
        if (row < rows && col < cols) {
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

    /**
     * {@link #gemm}'s product for few rows (a decoding step): one work-item per column, each row's dot product over
     * k in order, then the bias and the accumulation, as {@code gemm} adds them. The tiled kernel runs 16 x 16
     * groups, so one row of output left 15 of every 16 work-items without a row.
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
     * One work-item per row: p = softmax(scale * logits), loss = -ln p[target], normaliser in double; probs may be
     * logits. Targets in {@link #ints}.
     */
    void crossEntropyForward(int losses, int probs, int logits, int rows, int v, float scale) {
        int r = getGlobalId();
        if (r < rows) {
            int x = logits + r * v;
            float max = -3.4028235e38f;
            for (int j = 0; j < v; j++) {
                max = max(max, scale * mem[x + j]);
            }
            double sum = 0.0;
            for (int j = 0; j < v; j++) {
                sum += exp((double) (scale * mem[x + j] - max));
            }
            double target = scale * mem[x + ints[r]];
            mem[losses + r] = (float) (log(sum) - (target - max));
            double inv = 1.0 / sum;
            int p = probs + r * v;
            for (int j = 0; j < v; j++) {
                mem[p + j] = (float) (exp((double) (scale * mem[x + j] - max)) * inv);
            }
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
