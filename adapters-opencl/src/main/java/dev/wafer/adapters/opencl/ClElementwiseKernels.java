package dev.wafer.adapters.opencl;

/**
 * The element-wise kernels: fill, scale, copy, add, the device halves of host copies, GELU, AdamW and the partial
 * sums of squares. Buffer arguments are offsets into {@link #mem}; one work-item per element.
 */
abstract class ClElementwiseKernels extends ClDeviceArrays {
    ClElementwiseKernels(int arenaCapacity, int stageCapacity, int intCapacity) {
        super(arenaCapacity, stageCapacity, intCapacity);
    }

    /** out[g] = value. */
    void fill(int out, int n, float value) {
        int g = getGlobalId();
        if (g < n) {
            mem[out + g] = value;
        }
    }

    /** x[g] *= factor. */
    void scale(int x, int n, float factor) {
        int g = getGlobalId();
        if (g < n) {
            mem[x + g] = mem[x + g] * factor;
        }
    }

    /** out[g] = inp[g]. */
    void copy(int out, int inp, int n) {
        int g = getGlobalId();
        if (g < n) {
            mem[out + g] = mem[inp + g];
        }
    }

    /** out[g] = a[g] + b[g]; out may be a or b. */
    void add(int out, int a, int b, int n) {
        int g = getGlobalId();
        if (g < n) {
            mem[out + g] = mem[a + g] + mem[b + g];
        }
    }

    /** out[g] = stage[g]: the device half of a host-to-device copy. */
    void stageIn(int out, int n) {
        int g = getGlobalId();
        if (g < n) {
            mem[out + g] = stage[g];
        }
    }

    /** stage[g] = inp[g]: the device half of a device-to-host copy. */
    void stageOut(int inp, int n) {
        int g = getGlobalId();
        if (g < n) {
            stage[g] = mem[inp + g];
        }
    }

    /**
     * Standard normal CDF in float: the erfc fit of the CPU backend's GELU (Numerical Recipes' erfcc, relative error
     * below 1.2e-7 before rounding), which keeps the negative tail where 1 + erf would cancel. Float, not double:
     * many GPUs run double arithmetic at 1/32 or 1/64 of the float rate, and some have none (no cl_khr_fp64).
     */
    float phi(float x) {
        float z = abs(x) * 0.70710678f;
        float t = 1f / (1f + 0.5f * z);
        float p = 0.17087277f;
        p = p * t - 0.82215223f;
        p = p * t + 1.48851587f;
        p = p * t - 1.13520398f;
        p = p * t + 0.27886807f;
        p = p * t - 0.18628806f;
        p = p * t + 0.09678418f;
        p = p * t + 0.37409196f;
        p = p * t + 1.00002368f;
        float arg = p * t - z * z - 1.26551223f;
        float tail = t * exp(arg) * 0.5f;
        return x >= 0f ? 1f - tail : tail;
    }

    /** out = x * Phi(x); out may be inp. */
    void geluForward(int out, int inp, int n) {
        int g = getGlobalId();
        if (g < n) {
            float x = mem[inp + g];
            mem[out + g] = x * phi(x);
        }
    }

    /** dinp = dout * (Phi(x) + x phi(x)); dinp may be dout. */
    void geluBackward(int dinp, int inp, int dout, int n) {
        int g = getGlobalId();
        if (g < n) {
            float x = mem[inp + g];
            float pdf = exp(-0.5f * x * x) * 0.39894228f;
            mem[dinp + g] = mem[dout + g] * (phi(x) + x * pdf);
        }
    }

    /**
     * Modelzoo/HF AdamW; {@code correction} is the bias correction sqrt(1-beta2^t)/(1-beta1^t), computed in double
     * on the host.
     */
    void adamW(int params, int grads, int firstMoment, int secondMoment, int n, float lr, float beta1, float beta2,
               float eps, float weightDecay, float correction) {
        int g = getGlobalId();
        if (g < n) {
            float grad = mem[grads + g];
            float m = beta1 * mem[firstMoment + g] + (1f - beta1) * grad;
            float v = beta2 * mem[secondMoment + g] + (1f - beta2) * grad * grad;
            mem[firstMoment + g] = m;
            mem[secondMoment + g] = v;
            float p = mem[params + g];
            float u = m / (sqrt(v) + eps) * correction + weightDecay * p;
            mem[params + g] = p - lr * u;
        }
    }

    /**
     * Work-group w writes mem[out + w] + mem[out + PARTIALS + w] = the sum of squares of inp[i] for the i its items
     * visit: item l of group w takes i = w * GROUP + l, then steps by the launch's global size (adjacent items read
     * adjacent floats). The sum is kept as an unevaluated sum of two floats (about 48 significant bits, as a double's
     * 53): each square split exactly into its float and its rounding error (Dekker's product, which needs no fused
     * multiply-add), added by Knuth's two-sum; the group's pairs are then added by {@link #groupSumPairs}. The host
     * adds the groups' pairs in double. Why not double: see {@link #phi}. Every item of a group loops the same number
     * of times before the barriers (PoCL 3.1 miscompiles loops whose trip count differs between the items of a group:
     * see {@code ClLayerKernels}).
     */
    void sumOfSquares(int out, int inp, int n) {
        int w = getGroupId();
        int l = getLocalId();
        int stride = getGlobalSize();
        float high = 0f;
        float low = 0f;
        for (int i0 = w * GROUP; i0 < n; i0 += stride) {
            int i = i0 + l;
            if (i < n) {
                float x = mem[inp + i];
                float square = x * x;
                float split = 4097f * x;
                float xh = split - (split - x);
                float xl = x - xh;
                float error = ((xh * xh - square) + 2f * xh * xl) + xl * xl;
                float sum = high + square;
                float back = sum - high;
                float lost = (high - (sum - back)) + (square - back);
                high = sum;
                low = low + (lost + error);
            }
        }
        groupSumPairs(high, low, l);
        if (l == 0) {
            mem[out + w] = groupFloats[0];
            mem[out + PARTIALS + w] = groupLows[0];
        }
    }

    /**
     * Every item's float pair (high + low, an unevaluated sum) added across the work-group in a fixed tree in local
     * memory, the high parts by Knuth's two-sum (each addition's rounding error carried into the low parts): the sum's
     * high part in groupFloats[0] and low part in groupLows[0] for every item to read. Starts with a barrier, so every
     * item has read a previous reduction's result out of groupFloats[0] before any item overwrites it.
     */
    void groupSumPairs(float high, float low, int l) {
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
}
