package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.Tensor;

/**
 * One cached decoding step of attention, computed on the host. Decoding moves one row of Q, K and V per layer, and
 * a launch per head would cost more than the copies; a device kernel can replace this when decoding speed matters.
 */
final class ClHostCachedAttention {
    private ClHostCachedAttention() {
    }

    static void forward(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh, float scale) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("C=" + c + " is not a multiple of NH=" + nh);
        }
        if (pos < 0 || (long) (pos + 1) * c > kCache.length() || (long) (pos + 1) * c > vCache.length()) {
            throw new IllegalArgumentException("position " + pos + " does not fit caches of " + kCache.length()
                    + " and " + vCache.length() + " floats at C=" + c);
        }
        float[] x = new float[3 * c];
        qkv.copyToHost(0, x, 0, 3 * c);
        kCache.copyFromHost(x, c, (long) pos * c, c);
        vCache.copyFromHost(x, 2 * c, (long) pos * c, c);
        float[] k = new float[(pos + 1) * c];
        float[] v = new float[(pos + 1) * c];
        kCache.copyToHost(0, k, 0, k.length);
        vCache.copyToHost(0, v, 0, v.length);
        float[] o = new float[c];
        int hs = c / nh;
        float[] s = new float[pos + 1];
        for (int h = 0; h < nh; h++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j <= pos; j++) {
                float dot = 0;
                for (int i = 0; i < hs; i++) {
                    dot += x[h * hs + i] * k[j * c + h * hs + i];
                }
                s[j] = scale * dot;
                max = Math.max(max, s[j]);
            }
            double sum = 0;
            for (int j = 0; j <= pos; j++) {
                s[j] = (float) Math.exp(s[j] - max);
                sum += s[j];
            }
            float inv = (float) (1.0 / sum);
            for (int j = 0; j <= pos; j++) {
                float p = s[j] * inv;
                for (int i = 0; i < hs; i++) {
                    o[h * hs + i] += p * v[j * c + h * hs + i];
                }
            }
        }
        out.copyFromHost(o, 0, 0, c);
    }
}
