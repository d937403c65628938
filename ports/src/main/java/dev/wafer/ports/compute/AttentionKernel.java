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
}
