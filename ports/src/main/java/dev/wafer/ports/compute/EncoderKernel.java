package dev.wafer.ports.compute;

/**
 * Token + position embedding: {@code out[b,t,:] = multiplier * (wte[tokens[b,t],:] + wpe[t,:])}.
 * The multiplier is muP's embedding multiplier (10) or 1 under SP. Token ids live on the host: they are a few
 * kilobytes per step and every backend can upload them.
 */
public interface EncoderKernel {
    /**
     * The forward: each position's token and position embeddings, summed and scaled by {@code multiplier}.
     *
     * @param out (B,T,C) written
     * @param tokens B*T token ids, each in {@code [0, V)}
     * @param wte (V,C) token embedding
     * @param wpe (maxT,C) position embedding, {@code maxT >= T}
     */
    void forward(Tensor out, int[] tokens, Tensor wte, Tensor wpe, int b, int t, int c, float multiplier);

    /**
     * Accumulates {@code dwte[tokens[b,t],:] += multiplier * dout[b,t,:]} and {@code dwpe[t,:] += multiplier * dout[b,t,:]}.
     *
     * @param dwte (V,C) accumulated
     * @param dwpe (maxT,C) accumulated
     * @param dout (B,T,C)
     */
    void backward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int b, int t, int c, float multiplier);
}
