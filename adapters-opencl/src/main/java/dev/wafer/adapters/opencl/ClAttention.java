package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Causal multi-head attention in two launches each way. Forward: scores + softmax per (b, h, row), then the
 * weighted sum of values per output element. Backward: the score gradient per (b, h, row) into a runtime-owned
 * (B, NH, T, T) scratch block, then every element of dqkv gathered by one work-item, so nothing races and dqkv is
 * written, not accumulated.
 */
final class ClAttention implements AttentionKernel {
    private final ClRuntime rt;

    ClAttention(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        ClTensor o = ClTensor.of(rt, out, (long) b * t * c);
        ClTensor a = ClTensor.of(rt, att, (long) b * nh * t * t);
        ClTensor x = ClTensor.of(rt, qkv, 3L * b * t * c);
        synchronized (rt) {
            ClProgram p = rt.program();
            p.o0 = a.offset;
            p.o1 = x.offset;
            p.n1 = t;
            p.n2 = c;
            p.n3 = nh;
            p.f0 = scale;
            rt.launch1d(ClProgram.ATTENTION_SOFTMAX, b * nh * t);
            p.o0 = o.offset;
            p.o1 = a.offset;
            p.o2 = x.offset;
            rt.launch1d(ClProgram.ATTENTION_VALUES, b * t * c);
        }
    }

    @Override
    public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        ClTensor dx = ClTensor.of(rt, dqkv, 3L * b * t * c);
        ClTensor dy = ClTensor.of(rt, dout, (long) b * t * c);
        ClTensor x = ClTensor.of(rt, qkv, 3L * b * t * c);
        ClTensor a = ClTensor.of(rt, att, (long) b * nh * t * t);
        synchronized (rt) {
            int dpre = rt.scratch((long) b * nh * t * t);
            ClProgram p = rt.program();
            p.o0 = dpre;
            p.o1 = dy.offset;
            p.o2 = x.offset;
            p.o3 = a.offset;
            p.n1 = t;
            p.n2 = c;
            p.n3 = nh;
            p.f0 = scale;
            rt.launch1d(ClProgram.ATTENTION_SCORE_GRADIENT, b * nh * t);
            p.o0 = dx.offset;
            p.o1 = dy.offset;
            p.o2 = x.offset;
            p.o3 = a.offset;
            p.o4 = dpre;
            rt.launch1d(ClProgram.ATTENTION_QKV_GRADIENT, 3 * b * t * c);
        }
    }

    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        ClHostCachedAttention.forward(out, qkv, kCache, vCache, pos, c, nh, scale);
    }

    private static void checkHeads(int c, int nh) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("C=" + c + " is not a multiple of NH=" + nh);
        }
    }
}
