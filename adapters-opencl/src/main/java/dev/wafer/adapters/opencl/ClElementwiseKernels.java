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

    /** Standard normal CDF in double, from erfc with fractional error below 1.2e-7 (Numerical Recipes' erfcc). */
    double phi(double x) {
        double z = abs(x) * 0.7071067811865476;
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0.0 ? 1.0 - 0.5 * erfc : 0.5 * erfc;
    }

    /** out = x * Phi(x); out may be inp. */
    void geluForward(int out, int inp, int n) {
        int g = getGlobalId();
        if (g < n) {
            double x = mem[inp + g];
            mem[out + g] = (float) (x * phi(x));
        }
    }

    /** dinp = dout * (Phi(x) + x phi(x)); dinp may be dout. */
    void geluBackward(int dinp, int inp, int dout, int n) {
        int g = getGlobalId();
        if (g < n) {
            double x = mem[inp + g];
            double pdf = exp(-0.5 * x * x) * 0.3989422804014327;
            mem[dinp + g] = (float) (mem[dout + g] * (phi(x) + x * pdf));
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

    /** partial[g] = sum of squares of inp[i] for i = g, g + PARTIALS, ... below n, in double. */
    void sumOfSquares(int inp, int n) {
        int g = getGlobalId();
        if (g < PARTIALS) {
            double s = 0.0;
            for (int i = g; i < n; i += PARTIALS) {
                double x = mem[inp + i];
                s += x * x;
            }
            partial[g] = s;
        }
    }
}
