package dev.wafer.adapters.opencl;

/**
 * The causal multi-head attention kernels over qkv (B, T, 3C) and att (B, NH, T, T) other than its products (which
 * are {@link #gemm}'s): the softmax of the scores and its gradient, a work-item per row; and attention against
 * stored keys (after a prefix, and cached decoding).
 */
abstract class ClAttentionKernels extends ClLayerKernels {
    ClAttentionKernels(int arenaCapacity, int stageCapacity, int intCapacity) {
        super(arenaCapacity, stageCapacity, intCapacity);
    }

    /**
     * A work-group of {@link #GROUP} items per (b, h, i) row of att (B*NH*T groups), which holds the unscaled scores
     * q_i . k_j for j <= i (written by the GEMM): the softmax of scale * score over j <= i, its maximum and sum
     * combined across the group in local memory, and zeros above the diagonal. Item l reads columns l, l + GROUP,
     * ..., so adjacent items read adjacent scores; a work-item per row read its row alone, T floats from its
     * neighbours'. Every loop's trip count depends on the row alone, the same for every item of the group, as in
     * {@link #crossEntropyRows}, where PoCL 3.1 gave wrong sums for loops bounded per item.
     */
    void attentionSoftmaxRows(int att, int t, float scale) {
        int g = getGroupId();
        int l = getLocalId();
        int i = g % t;
        int a = att + g * t;
        float max = -3.4028235e38f;
        for (int j0 = 0; j0 <= i; j0 += GROUP) {
            int j = j0 + l;
            if (j <= i) {
                max = max(max, scale * mem[a + j]);
            }
        }
        max = groupMax(max, l);
        float sum = 0f;
        for (int j0 = 0; j0 <= i; j0 += GROUP) {
            int j = j0 + l;
            if (j <= i) {
                float ex = exp(scale * mem[a + j] - max);
                mem[a + j] = ex;
                sum += ex;
            }
        }
        float inv = 1f / groupSum(sum, l);
        // Each item rescales the exponentials it wrote itself: no other item's writes are read.
        for (int j0 = 0; j0 < t; j0 += GROUP) {
            int j = j0 + l;
            if (j < t) {
                mem[a + j] = j <= i ? mem[a + j] * inv : 0f;
            }
        }
    }

    /**
     * A work-group per (b, h, i) row of dpre (B*NH*T groups), which holds datt_ij = dout_i . v_j for j <= i (written
     * by the GEMM): dpre_ij = scale * att_ij * (datt_ij - sum_j' att_ij' datt_ij') for j <= i, zeros above the
     * diagonal; the row's dot product summed across the group as in {@link #attentionSoftmaxRows}.
     */
    void attentionSoftmaxBackwardRows(int dpre, int att, int t, float scale) {
        int g = getGroupId();
        int l = getLocalId();
        int i = g % t;
        int a = att + g * t;
        int d = dpre + g * t;
        float dot = 0f;
        for (int j0 = 0; j0 <= i; j0 += GROUP) {
            int j = j0 + l;
            if (j <= i) {
                dot += mem[a + j] * mem[d + j];
            }
        }
        dot = groupSum(dot, l);
        for (int j0 = 0; j0 < t; j0 += GROUP) {
            int j = j0 + l;
            if (j < t) {
                mem[d + j] = j <= i ? scale * mem[a + j] * (mem[d + j] - dot) : 0f;
            }
        }
    }

    /**
     * Attention after a prefix, its probabilities: one work-item per (r, i, h) (rows = B*T*NH), whose keys are row r's
     * prefix rows of {@code prefix} (from {@code ints[r]}, {@code ints[b + r]} of them), then its own new positions
     * 0..i of qkv. Float32 scores, float exponentials summed with their rounding errors kept (two-sum); probability j
     * goes to {@code att[g * keys + j]} ({@code keys}: the longest prefix plus t).
     */
    void attentionPrefixSoftmax(int att, int qkv, int prefix, int rows, int b, int t, int c, int nh, int keys,
                                float scale) {
        int g = getGlobalId();
        if (g < rows) {
            int hs = c / nh;
            int h = g % nh;
            int row = g / nh;
            int r = row / t;
            int i = row % t;
            int c3 = 3 * c;
            int q = qkv + row * c3 + h * hs;
            int pk = prefix + ints[r] * c3 + c + h * hs;
            int ok = qkv + r * t * c3 + c + h * hs;
            int np = ints[b + r];
            int n = np + i + 1;
            int a = att + g * keys;
            float max = -3.4028235e38f;
            for (int j = 0; j < n; j++) {
                int k = j < np ? pk + j * c3 : ok + (j - np) * c3;
                float dot = 0f;
                for (int e = 0; e < hs; e++) {
                    dot += mem[q + e] * mem[k + e];
                }
                float s = scale * dot;
                mem[a + j] = s;
                max = max(max, s);
            }
            normaliseScores(a, n, max);
        }
    }

    /**
     * scores[a..a+n) (scaled, with maximum max) into their softmax: exp(score - max), summed with each addition's
     * rounding error kept (two-sum), then divided by the sum.
     */
    void normaliseScores(int a, int n, float max) {
        float sum = 0f;
        float low = 0f;
        for (int j = 0; j < n; j++) {
            float ex = exp(mem[a + j] - max);
            mem[a + j] = ex;
            float next = sum + ex;
            float back = next - sum;
            low = low + ((sum - (next - back)) + (ex - back));
            sum = next;
        }
        float inv = 1f / (sum + low);
        for (int j = 0; j < n; j++) {
            mem[a + j] = mem[a + j] * inv;
        }
    }

    /**
     * Attention after a prefix, its output: one work-item per element (n = B*T*C), the probabilities of
     * {@link #attentionPrefixSoftmax} weighting the values of the same keys.
     */
    void attentionPrefixValues(int out, int att, int qkv, int prefix, int n, int b, int t, int c, int nh, int keys) {
        int g = getGlobalId();
        if (g < n) {
            int hs = c / nh;
            int ch = g % c;
            int row = g / c;
            int r = row / t;
            int i = row % t;
            int h = ch / hs;
            int c3 = 3 * c;
            // The value of key j, channel ch: 2c channels after the row's start.
            int pv = prefix + ints[r] * c3 + 2 * c + ch;
            int ov = qkv + r * t * c3 + 2 * c + ch;
            int np = ints[b + r];
            int a = att + (row * nh + h) * keys;
            float acc = 0f;
            for (int j = 0; j < np + i + 1; j++) {
                acc += mem[a + j] * mem[j < np ? pv + j * c3 : ov + (j - np) * c3];
            }
            mem[out + g] = acc;
        }
    }

    /**
     * A pass of positions pos.. of b sequences (qkv rows j*b + i, position-major): its keys and values into rows
     * pos + j of the (B, maxT, C) caches, one work-item per (row, channel), n = k*b*c.
     */
    void cacheWritePositions(int kcache, int vcache, int qkv, int n, int b, int maxT, int pos, int c) {
        int g = getGlobalId();
        if (g < n) {
            int ch = g % c;
            int row = g / c;
            int i = row % b;
            int j = row / b;
            int at = (i * maxT + pos + j) * c + ch;
            mem[kcache + at] = mem[qkv + row * 3 * c + c + ch];
            mem[vcache + at] = mem[qkv + row * 3 * c + 2 * c + ch];
        }
    }

    /**
     * Cached attention's probabilities: one work-item per (row, head) (rows = k*b*nh), row j*b + i attending to keys
     * 0..pos+j of sequence i's cache. Float32 scores, float32 exp summed with their rounding errors kept (two-sum);
     * probability t goes to {@code att[g * keys + t]} ({@code keys}: pos + k).
     */
    void attentionCachedSoftmax(int att, int qkv, int kcache, int rows, int b, int maxT, int pos, int c, int nh,
                                int keys, float scale) {
        int g = getGlobalId();
        if (g < rows) {
            int hs = c / nh;
            int h = g % nh;
            int row = g / nh;
            int i = row % b;
            int j = row / b;
            int q = qkv + row * 3 * c + h * hs;
            int kc = kcache + i * maxT * c + h * hs;
            int n = pos + j + 1;
            int a = att + g * keys;
            float max = -3.4028235e38f;
            for (int t = 0; t < n; t++) {
                float dot = 0f;
                for (int e = 0; e < hs; e++) {
                    dot += mem[q + e] * mem[kc + t * c + e];
                }
                float s = scale * dot;
                mem[a + t] = s;
                max = max(max, s);
            }
            normaliseScores(a, n, max);
        }
    }

    /**
     * Cached attention's output: one work-item per element (n = k*b*c), the probabilities of
     * {@link #attentionCachedSoftmax} weighting sequence i's cached values.
     */
    void attentionCachedValues(int out, int att, int vcache, int n, int b, int maxT, int pos, int c, int nh,
                               int keys) {
        int g = getGlobalId();
        if (g < n) {
            int hs = c / nh;
            int ch = g % c;
            int row = g / c;
            int i = row % b;
            int j = row / b;
            int h = ch / hs;
            int a = att + (row * nh + h) * keys;
            int vc = vcache + i * maxT * c + ch;
            float acc = 0f;
            for (int t = 0; t < pos + j + 1; t++) {
                acc += mem[a + t] * mem[vc + t * c];
            }
            mem[out + g] = acc;
        }
    }
}
