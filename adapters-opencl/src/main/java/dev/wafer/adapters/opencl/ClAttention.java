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
    /** Host staging of {@link #forwardAfterPrefix}'s starts and lengths, grown as needed. */
    private int[] prefixes = new int[0];

    ClAttention(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        ClTensor o = ClTensor.of(rt, out, (long) b * t * c);
        ClTensor a = ClTensor.of(rt, att, (long) b * nh * t * t);
        ClTensor x = ClTensor.of(rt, qkv, 3L * b * t * c);
        int rows = b * nh * t;
        rt.launch(ClArgs.of(ClKernel.ATTENTION_SOFTMAX).buffer("att", a).buffer("qkv", x).integer("rows", rows)
                .integer("t", t).integer("c", c).integer("nh", nh).real("scale", scale), rows);
        rt.launch(ClArgs.of(ClKernel.ATTENTION_VALUES).buffer("out", o).buffer("att", a).buffer("qkv", x)
                .integer("n", b * t * c).integer("t", t).integer("c", c).integer("nh", nh), b * t * c);
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
            int rows = b * nh * t;
            rt.launch(ClArgs.of(ClKernel.ATTENTION_SCORE_GRADIENT).buffer("dpre", dpre).buffer("dout", dy)
                    .buffer("qkv", x).buffer("att", a).integer("rows", rows).integer("t", t).integer("c", c)
                    .integer("nh", nh).real("scale", scale), rows);
            rt.launch(ClArgs.of(ClKernel.ATTENTION_QKV_GRADIENT).buffer("dqkv", dx).buffer("dout", dy)
                    .buffer("qkv", x).buffer("att", a).buffer("dpre", dpre).integer("n", 3 * b * t * c)
                    .integer("t", t).integer("c", c).integer("nh", nh), 3 * b * t * c);
        }
    }

    /**
     * Two launches, as the forward: the probabilities per (row, head) into a runtime-owned scratch block of
     * {@code longest prefix + t} floats per (row, head), then the weighted sum of values per output element. One
     * work-item per element computing its own scores, as before, did every dot product once per channel of its head.
     * The prefixes' starts and lengths go up as the int buffer.
     */
    @Override
    public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                   int b, int t, int c, int nh, float scale) {
        AttentionKernel.checkPrefixes(prefixQkv, prefixStart, prefixLength, b, t, c, nh);
        ClTensor o = ClTensor.of(rt, out, (long) b * t * c);
        ClTensor x = ClTensor.of(rt, qkv, 3L * b * t * c);
        ClTensor p = ClTensor.of(rt, prefixQkv);
        if (prefixes.length < 2 * b) {
            prefixes = new int[2 * b];
        }
        System.arraycopy(prefixStart, 0, prefixes, 0, b);
        System.arraycopy(prefixLength, 0, prefixes, b, b);
        int longest = 0;
        for (int i = 0; i < b; i++) {
            longest = Math.max(longest, prefixLength[i]);
        }
        int keys = longest + t;
        int rows = b * t * nh;
        synchronized (rt) {
            int att = rt.scratch((long) rows * keys);
            rt.uploadInts(prefixes, 2 * b);
            rt.launch(ClArgs.of(ClKernel.ATTENTION_PREFIX_SOFTMAX).buffer("att", att).buffer("qkv", x)
                    .buffer("prefix", p).integer("rows", rows).integer("b", b).integer("t", t).integer("c", c)
                    .integer("nh", nh).integer("keys", keys).real("scale", scale), rows);
            rt.launch(ClArgs.of(ClKernel.ATTENTION_PREFIX_VALUES).buffer("out", o).buffer("att", att)
                    .buffer("qkv", x).buffer("prefix", p).integer("n", b * t * c).integer("b", b).integer("t", t)
                    .integer("c", c).integer("nh", nh).integer("keys", keys), b * t * c);
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
