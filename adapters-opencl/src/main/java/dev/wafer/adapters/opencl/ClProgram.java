package dev.wafer.adapters.opencl;

import com.aparapi.Kernel;

/**
 * Every OpenCL kernel of the backend, as one Aparapi {@link Kernel} whose {@link #run()} dispatches on {@link #op}.
 *
 * <p><b>Why one kernel class.</b> Aparapi gives each {@code Kernel} instance its own OpenCL context arguments and its
 * own device copy of every Java array it binds. Two kernel instances bound to the same {@code float[]} therefore hold
 * two device buffers, and on a discrete GPU the second never sees what the first wrote unless the data crosses the
 * host. To keep activations, parameters and gradients on the device between kernels, all device memory is one array,
 * {@link #mem} (the arena), bound to one kernel instance; tensors are {@code (offset, length)} windows into it and the
 * operations below receive offsets as scalar arguments. The program is compiled once, when the backend opens.
 *
 * <p><b>Aparapi rules</b> followed here: primitive fields and arrays only, no lambdas, no calls on other objects,
 * no early {@code return} before a barrier, {@code @Local} arrays for the GEMM tiles. Sizes of 1-D launches are
 * rounded up to a multiple of the work-group size, so every 1-D operation guards with {@code g < n}.
 *
 * <p>The scalar fields are named by position ({@code o0..o5} offsets, {@code n0..n4} sizes, {@code f0..f4} floats); each
 * operation method renames them to local variables that say what they are.
 */
final class ClProgram extends Kernel {
    static final int FILL = 0;
    static final int SCALE = 1;
    static final int COPY = 2;
    static final int ADD = 3;
    static final int STAGE_IN = 4;
    static final int STAGE_OUT = 5;
    static final int ENCODER_FORWARD = 6;
    static final int ENCODER_BACKWARD = 7;
    static final int LAYER_NORM_FORWARD = 8;
    static final int LAYER_NORM_BACKWARD_INPUT = 9;
    static final int LAYER_NORM_BACKWARD_PARAMS = 10;
    static final int GEMM = 11;
    static final int COLUMN_SUM_ACCUMULATE = 12;
    static final int ATTENTION_SOFTMAX = 13;
    static final int ATTENTION_VALUES = 14;
    static final int ATTENTION_SCORE_GRADIENT = 15;
    static final int ATTENTION_QKV_GRADIENT = 16;
    static final int GELU_FORWARD = 17;
    static final int GELU_BACKWARD = 18;
    static final int CROSS_ENTROPY_FORWARD = 19;
    static final int CROSS_ENTROPY_BACKWARD = 20;
    static final int ADAMW = 21;
    static final int SUM_OF_SQUARES = 22;

    /** Human-readable names of the operations, indexed by op code, for error messages. */
    static final String[] NAMES = {"fill", "scale", "copy", "add", "stage-in", "stage-out", "encoder-forward",
            "encoder-backward", "layernorm-forward", "layernorm-backward-input", "layernorm-backward-params", "gemm",
            "column-sum", "attention-softmax", "attention-values", "attention-score-gradient",
            "attention-qkv-gradient", "gelu-forward", "gelu-backward", "cross-entropy-forward",
            "cross-entropy-backward", "adamw", "sum-of-squares"};

    /** GEMM tile edge; launches use {@code TILE x TILE} work-groups. */
    static final int TILE = 16;
    /** Work-group size of 1-D launches. */
    static final int GROUP = 64;
    /** Number of partial sums of {@link #SUM_OF_SQUARES}. */
    static final int PARTIALS = 1024;

    // Device memory. Reassigned only by ClRuntime (arena growth, staging growth), never inside run().
    float[] mem;
    float[] stage;
    int[] ints;
    final double[] partial = new double[PARTIALS];

    @Local final float[] tileA = new float[TILE * TILE];
    @Local final float[] tileB = new float[TILE * TILE];

    int op;
    int o0;
    int o1;
    int o2;
    int o3;
    int o4;
    int o5;
    int n0;
    int n1;
    int n2;
    int n3;
    int n4;
    int s0;
    int s1;
    int s2;
    int s3;
    float f0;
    float f1;
    float f2;
    float f3;
    float f4;
    /** The AdamW bias correction of the current step. */
    float correction;

    ClProgram(int arenaCapacity, int stageCapacity, int intCapacity) {
        mem = new float[arenaCapacity];
        stage = new float[stageCapacity];
        ints = new int[intCapacity];
    }

    @Override
    public void run() {
        if (op == GEMM) {
            gemm();
        } else if (op == FILL) {
            fill();
        } else if (op == SCALE) {
            scale();
        } else if (op == COPY) {
            copy();
        } else if (op == ADD) {
            add();
        } else if (op == STAGE_IN) {
            stageIn();
        } else if (op == STAGE_OUT) {
            stageOut();
        } else if (op == ENCODER_FORWARD) {
            encoderForward();
        } else if (op == ENCODER_BACKWARD) {
            encoderBackward();
        } else if (op == LAYER_NORM_FORWARD) {
            layerNormForward();
        } else if (op == LAYER_NORM_BACKWARD_INPUT) {
            layerNormBackwardInput();
        } else if (op == LAYER_NORM_BACKWARD_PARAMS) {
            layerNormBackwardParams();
        } else if (op == COLUMN_SUM_ACCUMULATE) {
            columnSumAccumulate();
        } else if (op == ATTENTION_SOFTMAX) {
            attentionSoftmax();
        } else if (op == ATTENTION_VALUES) {
            attentionValues();
        } else if (op == ATTENTION_SCORE_GRADIENT) {
            attentionScoreGradient();
        } else if (op == ATTENTION_QKV_GRADIENT) {
            attentionQkvGradient();
        } else if (op == GELU_FORWARD) {
            geluForward();
        } else if (op == GELU_BACKWARD) {
            geluBackward();
        } else if (op == CROSS_ENTROPY_FORWARD) {
            crossEntropyForward();
        } else if (op == CROSS_ENTROPY_BACKWARD) {
            crossEntropyBackward();
        } else if (op == ADAMW) {
            adamW();
        } else if (op == SUM_OF_SQUARES) {
            sumOfSquares();
        }
    }

    /** mem[o0 + g] = f0 for g < n0. */
    private void fill() {
        int g = getGlobalId();
        if (g < n0) {
            mem[o0 + g] = f0;
        }
    }

    /** mem[o0 + g] *= f0. */
    private void scale() {
        int g = getGlobalId();
        if (g < n0) {
            mem[o0 + g] = mem[o0 + g] * f0;
        }
    }

    /** mem[o0 + g] = mem[o1 + g]. */
    private void copy() {
        int g = getGlobalId();
        if (g < n0) {
            mem[o0 + g] = mem[o1 + g];
        }
    }

    /** mem[o0 + g] = mem[o1 + g] + mem[o2 + g]; o0 may equal o1 or o2. */
    private void add() {
        int g = getGlobalId();
        if (g < n0) {
            mem[o0 + g] = mem[o1 + g] + mem[o2 + g];
        }
    }

    /** mem[o0 + g] = stage[g]: the device half of a host-to-device copy. */
    private void stageIn() {
        int g = getGlobalId();
        if (g < n0) {
            mem[o0 + g] = stage[g];
        }
    }

    /** stage[g] = mem[o0 + g]: the device half of a device-to-host copy. */
    private void stageOut() {
        int g = getGlobalId();
        if (g < n0) {
            stage[g] = mem[o0 + g];
        }
    }

    /** out(B*T, C) = mult * (wte[token] + wpe[pos]); tokens in ints. o0 out, o1 wte, o2 wpe; n0 B*T*C, n1 T, n2 C. */
    private void encoderForward() {
        int g = getGlobalId();
        if (g < n0) {
            int c = n2;
            int bt = g / c;
            int i = g - bt * c;
            int pos = bt % n1;
            mem[o0 + g] = f0 * (mem[o1 + ints[bt] * c + i] + mem[o2 + pos * c + i]);
        }
    }

    /**
     * One work-item per channel accumulates every row in order, so repeated tokens never race.
     * o0 dwte, o1 dwpe, o2 dout; n0 B*T, n1 T, n2 C; f0 multiplier.
     */
    private void encoderBackward() {
        int i = getGlobalId();
        int c = n2;
        if (i < c) {
            for (int bt = 0; bt < n0; bt++) {
                float d = f0 * mem[o2 + bt * c + i];
                int pos = bt % n1;
                mem[o0 + ints[bt] * c + i] += d;
                mem[o1 + pos * c + i] += d;
            }
        }
    }

    /** One work-item per row: two-pass mean and variance. o0 out, o1 mean, o2 rstd, o3 inp, o4 weight, o5 bias; n0 N, n1 C; f0 eps. */
    private void layerNormForward() {
        int r = getGlobalId();
        if (r < n0) {
            int c = n1;
            int x = o3 + r * c;
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
            float s = 1f / sqrt(var + f0);
            int y = o0 + r * c;
            for (int i = 0; i < c; i++) {
                mem[y + i] = (mem[x + i] - m) * s * mem[o4 + i] + mem[o5 + i];
            }
            mem[o1 + r] = m;
            mem[o2 + r] = s;
        }
    }

    /** One work-item per row writes dinp. o0 dinp, o1 dout, o2 inp, o3 weight, o4 mean, o5 rstd; n0 N, n1 C. */
    private void layerNormBackwardInput() {
        int r = getGlobalId();
        if (r < n0) {
            int c = n1;
            float m = mem[o4 + r];
            float s = mem[o5 + r];
            int x = o2 + r * c;
            int dy = o1 + r * c;
            float dnormMean = 0f;
            float dnormNormMean = 0f;
            for (int i = 0; i < c; i++) {
                float norm = (mem[x + i] - m) * s;
                float dnorm = mem[o3 + i] * mem[dy + i];
                dnormMean += dnorm;
                dnormNormMean += dnorm * norm;
            }
            dnormMean = dnormMean / c;
            dnormNormMean = dnormNormMean / c;
            int dx = o0 + r * c;
            for (int i = 0; i < c; i++) {
                float norm = (mem[x + i] - m) * s;
                float dnorm = mem[o3 + i] * mem[dy + i];
                mem[dx + i] = (dnorm - dnormMean - norm * dnormNormMean) * s;
            }
        }
    }

    /** One work-item per channel accumulates dweight and dbias over rows. o0 dweight, o1 dbias, o2 dout, o3 inp, o4 mean, o5 rstd; n0 N, n1 C. */
    private void layerNormBackwardParams() {
        int i = getGlobalId();
        int c = n1;
        if (i < c) {
            float dw = 0f;
            float db = 0f;
            for (int r = 0; r < n0; r++) {
                float dy = mem[o2 + r * c + i];
                float norm = (mem[o3 + r * c + i] - mem[o4 + r]) * mem[o5 + r];
                dw += norm * dy;
                db += dy;
            }
            mem[o0 + i] += dw;
            mem[o1 + i] += db;
        }
    }

    /**
     * Tiled C(M,Nc) = [C +] A(M,K) B(K,Nc) [+ bias], with A(m,k) = mem[o1 + m*s0 + k*s1] and
     * B(k,j) = mem[o2 + k*s2 + j*s3]; C row-major at o0 with leading dimension Nc; bias at o3 when n3 != 0.
     * n0 M, n1 Nc, n2 K; n4 != 0 accumulates into C. Launched as a 2-D range of TILE x TILE groups
     * (dimension 0 over columns, 1 over rows).
     */
    private void gemm() {
        int lx = getLocalId(0);
        int ly = getLocalId(1);
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int rowBase = getGroupId(1) * TILE;
        int colBase = getGroupId(0) * TILE;
        float acc = 0f;
        for (int k0 = 0; k0 < n2; k0 += TILE) {
            int ar = rowBase + ly;
            int ak = k0 + lx;
            tileA[ly * TILE + lx] = (ar < n0 && ak < n2) ? mem[o1 + ar * s0 + ak * s1] : 0f;
            int bk = k0 + ly;
            int bc = colBase + lx;
            tileB[ly * TILE + lx] = (bk < n2 && bc < n1) ? mem[o2 + bk * s2 + bc * s3] : 0f;
            localBarrier();
            for (int kk = 0; kk < TILE; kk++) {
                acc += tileA[ly * TILE + kk] * tileB[kk * TILE + lx];
            }
            localBarrier();
        }
        if (row < n0 && col < n1) {
            int at = o0 + row * n1 + col;
            float v = acc;
            if (n3 != 0) {
                v += mem[o3 + col];
            }
            if (n4 != 0) {
                v += mem[at];
            }
            mem[at] = v;
        }
    }

    /** dbias[j] += sum over rows of dout[r, j]. o0 dbias, o1 dout; n0 rows, n1 columns. */
    private void columnSumAccumulate() {
        int j = getGlobalId();
        if (j < n1) {
            float s = 0f;
            for (int r = 0; r < n0; r++) {
                s += mem[o1 + r * n1 + j];
            }
            mem[o0 + j] += s;
        }
    }

    /**
     * One work-item per (b, h, i) row of the attention matrix: scaled causal scores, softmax, zeros above the diagonal.
     * o0 att, o1 qkv; n0 B*NH*T, n1 T, n2 C, n3 NH; f0 scale.
     */
    private void attentionSoftmax() {
        int g = getGlobalId();
        if (g < n0) {
            int t = n1;
            int c = n2;
            int nh = n3;
            int hs = c / nh;
            int i = g % t;
            int bh = g / t;
            int h = bh % nh;
            int b = bh / nh;
            int c3 = 3 * c;
            int q = o1 + (b * t + i) * c3 + h * hs;
            int a = o0 + g * t;
            float max = -3.4028235e38f;
            for (int j = 0; j <= i; j++) {
                int k = o1 + (b * t + j) * c3 + c + h * hs;
                float dot = 0f;
                for (int e = 0; e < hs; e++) {
                    dot += mem[q + e] * mem[k + e];
                }
                float s = f0 * dot;
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

    /** out[b, i, h*hs + e] = sum over j <= i of att[b, h, i, j] * v[b, j, h*hs + e]. o0 out, o1 att, o2 qkv; n0 B*T*C, n1 T, n2 C, n3 NH. */
    private void attentionValues() {
        int g = getGlobalId();
        if (g < n0) {
            int t = n1;
            int c = n2;
            int nh = n3;
            int hs = c / nh;
            int ch = g % c;
            int bi = g / c;
            int i = bi % t;
            int b = bi / t;
            int h = ch / hs;
            int a = o1 + ((b * nh + h) * t + i) * t;
            int v = o2 + b * t * 3 * c + 2 * c + ch;
            float acc = 0f;
            for (int j = 0; j <= i; j++) {
                acc += mem[a + j] * mem[v + j * 3 * c];
            }
            mem[o0 + g] = acc;
        }
    }

    /**
     * One work-item per (b, h, i) row: dpre[i, j] = scale * att[i, j] * (datt[i, j] - sum_j' att[i, j'] datt[i, j'])
     * with datt[i, j] = dout[i] . v[j]; entries above the diagonal are 0.
     * o0 dpre scratch (B,NH,T,T), o1 dout, o2 qkv, o3 att; n0 B*NH*T, n1 T, n2 C, n3 NH; f0 scale.
     */
    private void attentionScoreGradient() {
        int g = getGlobalId();
        if (g < n0) {
            int t = n1;
            int c = n2;
            int nh = n3;
            int hs = c / nh;
            int i = g % t;
            int bh = g / t;
            int h = bh % nh;
            int b = bh / nh;
            int c3 = 3 * c;
            int dy = o1 + (b * t + i) * c + h * hs;
            int a = o3 + g * t;
            int d = o0 + g * t;
            float dot = 0f;
            for (int j = 0; j <= i; j++) {
                int v = o2 + (b * t + j) * c3 + 2 * c + h * hs;
                float datt = 0f;
                for (int e = 0; e < hs; e++) {
                    datt += mem[dy + e] * mem[v + e];
                }
                mem[d + j] = datt;
                dot += mem[a + j] * datt;
            }
            for (int j = 0; j < t; j++) {
                mem[d + j] = j <= i ? f0 * mem[a + j] * (mem[d + j] - dot) : 0f;
            }
        }
    }

    /**
     * One work-item per element of dqkv (B, T, 3C), written (not accumulated):
     * dq[r] = sum_{j<=r} dpre[r, j] k[j]; dk[r] = sum_{i>=r} dpre[i, r] q[i]; dv[r] = sum_{i>=r} att[i, r] dout[i].
     * o0 dqkv, o1 dout, o2 qkv, o3 att, o4 dpre; n0 B*T*3C, n1 T, n2 C, n3 NH.
     */
    private void attentionQkvGradient() {
        int g = getGlobalId();
        if (g < n0) {
            int t = n1;
            int c = n2;
            int nh = n3;
            int hs = c / nh;
            int c3 = 3 * c;
            int col = g % c3;
            int br = g / c3;
            int r = br % t;
            int b = br / t;
            int part = col / c;
            int ch = col - part * c;
            int h = ch / hs;
            int rows = o4 + (b * nh + h) * t * t;
            int atts = o3 + (b * nh + h) * t * t;
            int base = o2 + b * t * c3;
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
                    acc += mem[atts + i * t + r] * mem[o1 + (b * t + i) * c + ch];
                }
            }
            mem[o0 + g] = acc;
        }
    }

    /** Standard normal CDF in double, from erfc with fractional error below 1.2e-7 (Numerical Recipes' erfcc). */
    private double phi(double x) {
        double z = abs(x) * 0.7071067811865476;
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0.0 ? 1.0 - 0.5 * erfc : 0.5 * erfc;
    }

    /** out = x * Phi(x); o0 out, o1 inp (may be equal); n0 N. */
    private void geluForward() {
        int g = getGlobalId();
        if (g < n0) {
            double x = mem[o1 + g];
            mem[o0 + g] = (float) (x * phi(x));
        }
    }

    /** dinp = dout * (Phi(x) + x phi(x)); o0 dinp, o1 inp, o2 dout (o0 may equal o2); n0 N. */
    private void geluBackward() {
        int g = getGlobalId();
        if (g < n0) {
            double x = mem[o1 + g];
            double pdf = exp(-0.5 * x * x) * 0.3989422804014327;
            mem[o0 + g] = (float) (mem[o2 + g] * (phi(x) + x * pdf));
        }
    }

    /**
     * One work-item per row: p = softmax(scale * logits), loss = -ln p[target], normaliser in double.
     * o0 losses, o1 probs (may equal o2), o2 logits; targets in ints; n0 N, n1 V; f0 scale.
     */
    private void crossEntropyForward() {
        int r = getGlobalId();
        if (r < n0) {
            int v = n1;
            int x = o2 + r * v;
            float max = -3.4028235e38f;
            for (int j = 0; j < v; j++) {
                max = max(max, f0 * mem[x + j]);
            }
            double sum = 0.0;
            for (int j = 0; j < v; j++) {
                sum += exp((double) (f0 * mem[x + j] - max));
            }
            double target = f0 * mem[x + ints[r]];
            mem[o0 + r] = (float) (log(sum) - (target - max));
            double inv = 1.0 / sum;
            int p = o1 + r * v;
            for (int j = 0; j < v; j++) {
                mem[p + j] = (float) (exp((double) (f0 * mem[x + j] - max)) * inv);
            }
        }
    }

    /** dlogits = dloss * scale * (p - onehot); o0 dlogits (may equal o1), o1 probs; targets in ints; n0 N*V, n1 V; f0 scale, f1 dloss. */
    private void crossEntropyBackward() {
        int g = getGlobalId();
        if (g < n0) {
            int r = g / n1;
            int j = g - r * n1;
            float ind = j == ints[r] ? 1f : 0f;
            mem[o0 + g] = f1 * f0 * (mem[o1 + g] - ind);
        }
    }

    /**
     * Modelzoo/HF AdamW. o0 params, o1 grads, o2 m, o3 v; n0 N; f0 lr, f1 beta1, f2 beta2, f3 eps, f4 weight decay;
     * the bias correction sqrt(1-beta2^t)/(1-beta1^t), computed in double on the host, in {@link #correction}.
     */
    private void adamW() {
        int g = getGlobalId();
        if (g < n0) {
            float grad = mem[o1 + g];
            float m = f1 * mem[o2 + g] + (1f - f1) * grad;
            float v = f2 * mem[o3 + g] + (1f - f2) * grad * grad;
            mem[o2 + g] = m;
            mem[o3 + g] = v;
            float p = mem[o0 + g];
            float u = m / (sqrt(v) + f3) * correction + f4 * p;
            mem[o0 + g] = p - f0 * u;
        }
    }

    /** partial[g] = sum of squares of mem[o0 + i] for i = g, g + PARTIALS, ... below n0, in double. */
    private void sumOfSquares() {
        int g = getGlobalId();
        if (g < PARTIALS) {
            double s = 0.0;
            for (int i = g; i < n0; i += PARTIALS) {
                double x = mem[o0 + i];
                s += x * x;
            }
            partial[g] = s;
        }
    }
}
