package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * An attention kernel whose forward may write its output {@code (B,T,C)} as a bf16 tensor
 * ({@code Capability.BF16_STORAGE}): the wrapped kernel runs into {@link Bf16Output}'s scratch and the output is
 * rounded once into the tensor; the saved probabilities, the backward and decoding are the wrapped kernel's.
 */
final class Bf16OutputAttention implements AttentionKernel {
    private final AttentionKernel inner;
    private final Bf16Output output;

    Bf16OutputAttention(AttentionKernel inner, Bf16Output output) {
        this.inner = inner;
        this.output = output;
    }

    @Override
    public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
        int n = Math.multiplyExact(b * t, c);
        CpuTensor o = CpuTensor.ofEither(out, n);
        if (!o.isBf16()) {
            inner.forward(out, att, qkv, b, t, c, nh, scale);
            return;
        }
        inner.forward(output.scratch(n), att, qkv, b, t, c, nh, scale);
        output.store(o, n);
    }

    @Override
    public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale) {
        inner.backward(dqkv, dout, qkv, att, b, t, c, nh, scale);
    }

    @Override
    public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                   int b, int t, int c, int nh, float scale) {
        inner.forwardAfterPrefix(out, qkv, prefixQkv, prefixStart, prefixLength, b, t, c, nh, scale);
    }

    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        inner.forwardCached(out, qkv, kCache, vCache, pos, c, nh, scale);
    }

    @Override
    public void forwardCachedBatch(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                   int c, int nh, float scale) {
        inner.forwardCachedBatch(out, qkv, kCache, vCache, b, maxT, pos, c, nh, scale);
    }

    @Override
    public void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                       int k, int c, int nh, float scale) {
        inner.forwardCachedPositions(out, qkv, kCache, vCache, b, maxT, pos, k, c, nh, scale);
    }
}
