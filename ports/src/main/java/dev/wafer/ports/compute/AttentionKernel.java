package dev.wafer.ports.compute;

/**
 * Dense causal multi-head self-attention over a fused QKV activation.
 * For head h of width {@code hs = C/NH}: {@code s[t,t2] = scale * q[t]·k[t2]} for {@code t2 <= t},
 * {@code a = softmax(s)} per row (in float32 or wider), {@code out[t] = Σ a[t,t2] v[t2]}.
 * The score scale is {@code 1/sqrt(hs)} under SP and {@code 1/hs} under muP.
 */
public interface AttentionKernel {
    /**
     * @param out (B,T,C) written
     * @param att (B,NH,T,T) written: the softmax weights, saved for the backward; entries above the diagonal are 0
     * @param qkv (B,T,3C), Q then K then V along the last axis, each split into NH heads of C/NH
     */
    void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale);

    /**
     * @param dqkv (B,T,3C) written
     * @param dout (B,T,C)
     * @param qkv (B,T,3C) the forward's input
     * @param att (B,NH,T,T) saved by the forward
     */
    void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale);

    /**
     * One decoding step with a key/value cache: attention of a single new position {@code pos} over positions
     * {@code 0..pos}. The key and value of the new position (the K and V thirds of {@code qkv}) are first written into
     * row {@code pos} of the caches; rows {@code 0..pos-1} must hold those of the earlier positions. The result equals
     * row {@code pos} of {@link #forward} over the whole prefix, at a cost of one position instead of {@code pos + 1}.
     *
     * <p>The default implementation works on any backend through host copies; backends override it to stay on the
     * device.
     *
     * @param out    (C) written: the attention output of position {@code pos}
     * @param qkv    (3C) the fused Q, K, V of position {@code pos}
     * @param kCache (maxT,C) keys, row {@code pos} written
     * @param vCache (maxT,C) values, row {@code pos} written
     * @param pos    0-based position, below the caches' row count
     */
    default void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                               float scale) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("channels " + c + " not divisible by " + nh + " heads");
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
