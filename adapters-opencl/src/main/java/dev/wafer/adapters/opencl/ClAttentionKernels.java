package dev.wafer.adapters.opencl;

/**
 * The causal multi-head attention kernels over qkv (B, T, 3C) and att (B, NH, T, T). Forward: scores + softmax per
 * (b, h, row), then the weighted sum of values per output element. Backward: the score gradient per (b, h, row)
 * into a (B, NH, T, T) scratch block, then every element of dqkv gathered by one work-item, so nothing races.
 */
abstract class ClAttentionKernels extends ClLayerKernels {
    ClAttentionKernels(int arenaCapacity, int stageCapacity, int intCapacity) {
        super(arenaCapacity, stageCapacity, intCapacity);
    }

    /** One work-item per (b, h, i) row of att (rows = B*NH*T): scaled causal scores, softmax, zeros above the diagonal. */
    void attentionSoftmax(int att, int qkv, int rows, int t, int c, int nh, float scale) {
        int g = getGlobalId();
        if (g < rows) {
            int hs = c / nh;
            int i = g % t;
            int bh = g / t;
            int h = bh % nh;
            int b = bh / nh;
            int c3 = 3 * c;
            int q = qkv + (b * t + i) * c3 + h * hs;
            int a = att + g * t;
            float max = -3.4028235e38f;
            for (int j = 0; j <= i; j++) {
                int k = qkv + (b * t + j) * c3 + c + h * hs;
                float dot = 0f;
                for (int e = 0; e < hs; e++) {
                    dot += mem[q + e] * mem[k + e];
                }
                float s = scale * dot;
                mem[a + j] = s;
                max = max(max, s);
            }
            float sum = 0f;
            for (int j = 0; j <= i; j++) {
                float ex = exp(mem[a + j] - max);
                mem[a + j] = ex;
                sum += ex;
            }
            float inv = 1f / sum;
            for (int j = 0; j < t; j++) {
                mem[a + j] = j <= i ? mem[a + j] * inv : 0f;
            }
        }
    }

    /** out[b, i, h*hs + e] = sum over j <= i of att[b, h, i, j] * v[b, j, h*hs + e]; n = B*T*C work-items. */
    void attentionValues(int out, int att, int qkv, int n, int t, int c, int nh) {
        int g = getGlobalId();
        if (g < n) {
            int hs = c / nh;
            int ch = g % c;
            int bi = g / c;
            int i = bi % t;
            int b = bi / t;
            int h = ch / hs;
            int a = att + ((b * nh + h) * t + i) * t;
            int v = qkv + b * t * 3 * c + 2 * c + ch;
            float acc = 0f;
            for (int j = 0; j <= i; j++) {
                acc += mem[a + j] * mem[v + j * 3 * c];
            }
            mem[out + g] = acc;
        }
    }

    /**
     * Attention after a prefix, its probabilities: one work-item per (r, i, h) (rows = B*T*NH), whose keys are row
     * r's prefix rows of {@code prefix} (from {@code ints[r]}, {@code ints[b + r]} of them), then its own new
     * positions 0..i of qkv. Float32 scores, exp summed in double, as cached decoding on the host; probability j goes
     * to {@code att[g * keys + j]} ({@code keys}: the longest prefix plus t).
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
            double sum = 0.0;
            for (int j = 0; j < n; j++) {
                sum += exp((double) (mem[a + j] - max));
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j < n; j++) {
                mem[a + j] = exp(mem[a + j] - max) * inv;
            }
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
     * 0..pos+j of sequence i's cache. Float32 scores, float32 exp summed in double; probability t goes to
     * {@code att[g * keys + t]} ({@code keys}: pos + k).
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
            double sum = 0.0;
            for (int t = 0; t < n; t++) {
                float ex = exp(mem[a + t] - max);
                mem[a + t] = ex;
                sum += ex;
            }
            float inv = (float) (1.0 / sum);
            for (int t = 0; t < n; t++) {
                mem[a + t] = mem[a + t] * inv;
            }
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

    /**
     * One work-item per (b, h, i) row (rows = B*NH*T): dpre[i, j] = scale * att[i, j] * (datt[i, j] - sum_j' att[i, j']
     * datt[i, j']) with datt[i, j] = dout[i] . v[j]; entries above the diagonal are 0.
     */
    void attentionScoreGradient(int dpre, int dout, int qkv, int att, int rows, int t, int c, int nh, float scale) {
        int g = getGlobalId();
        if (g < rows) {
            int hs = c / nh;
            int i = g % t;
            int bh = g / t;
            int h = bh % nh;
            int b = bh / nh;
            int c3 = 3 * c;
            int dy = dout + (b * t + i) * c + h * hs;
            int a = att + g * t;
            int d = dpre + g * t;
            float dot = 0f;
            for (int j = 0; j <= i; j++) {
                int v = qkv + (b * t + j) * c3 + 2 * c + h * hs;
                float datt = 0f;
                for (int e = 0; e < hs; e++) {
                    datt += mem[dy + e] * mem[v + e];
                }
                mem[d + j] = datt;
                dot += mem[a + j] * datt;
            }
            for (int j = 0; j < t; j++) {
                mem[d + j] = j <= i ? scale * mem[a + j] * (mem[d + j] - dot) : 0f;
            }
        }
    }

    /**
     * One work-item per element of dqkv (n = B*T*3C), written (not accumulated): dq[r] = sum_{j<=r} dpre[r, j] k[j];
     * dk[r] = sum_{i>=r} dpre[i, r] q[i]; dv[r] = sum_{i>=r} att[i, r] dout[i].
     */
    void attentionQkvGradient(int dqkv, int dout, int qkv, int att, int dpre, int n, int t, int c, int nh) {
        int g = getGlobalId();
        if (g < n) {
            int hs = c / nh;
            int c3 = 3 * c;
            int col = g % c3;
            int br = g / c3;
            int r = br % t;
            int b = br / t;
            int part = col / c;
            int ch = col - part * c;
            int h = ch / hs;
            int rows = dpre + (b * nh + h) * t * t;
            int atts = att + (b * nh + h) * t * t;
            int base = qkv + b * t * c3;
            float acc = 0f;
            if (part == 0) {
                for (int j = 0; j <= r; j++) {
                    acc += mem[rows + r * t + j] * mem[base + j * c3 + c + ch];
                }
            } else if (part == 1) {
                for (int i = r; i < t; i++) {
                    acc += mem[rows + i * t + r] * mem[base + i * c3 + ch];
                }
            } else {
                for (int i = r; i < t; i++) {
                    acc += mem[atts + i * t + r] * mem[dout + (b * t + i) * c + ch];
                }
            }
            mem[dqkv + g] = acc;
        }
    }
}
