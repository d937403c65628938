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

    /** One position of one sequence: {@link #forwardCachedPositions} with caches of {@code pos + 1} rows. */
    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        checkHeads(c, nh);
        if (pos < 0 || (long) (pos + 1) * c > kCache.length() || (long) (pos + 1) * c > vCache.length()) {
            throw new IllegalArgumentException("position " + pos + " does not fit caches of " + kCache.length()
                    + " and " + vCache.length() + " floats at C=" + c);
        }
        forwardCachedPositions(out, qkv, kCache, vCache, 1, pos + 1, pos, 1, c, nh, scale);
    }

    /** One position of {@code b} sequences: {@link #forwardCachedPositions} with a pass of one position. */
    @Override
    public void forwardCachedBatch(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                   int c, int nh, float scale) {
        forwardCachedPositions(out, qkv, kCache, vCache, b, maxT, pos, 1, c, nh, scale);
    }

    /**
     * Three launches for the whole pass, on the device: the pass's keys and values into the caches (a work-item per
     * row and channel), the probabilities per (row, head) into a runtime-owned scratch block of {@code pos + k}
     * floats per (row, head), then the weighted sum of the cached values per output element. Until 2026-12-06
     * decoding ran on the host, copying both caches from the device at every position.
     */
    @Override
    public void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                       int k, int c, int nh, float scale) {
        AttentionKernel.checkCachedPositions(b, maxT, pos, k);
        checkHeads(c, nh);
        AttentionKernel.checkCaches(kCache, vCache, b, maxT, c);
        int rows = k * b;
        ClTensor o = ClTensor.of(rt, out, (long) rows * c);
        ClTensor x = ClTensor.of(rt, qkv, 3L * rows * c);
        ClTensor kc = ClTensor.of(rt, kCache, (long) b * maxT * c);
        ClTensor vc = ClTensor.of(rt, vCache, (long) b * maxT * c);
        if (c == 0) {
            return;
        }
        int keys = pos + k;
        synchronized (rt) {
            int att = rt.scratch((long) rows * nh * keys);
            rt.launch(ClArgs.of(ClKernel.CACHE_WRITE_POSITIONS).buffer("kcache", kc).buffer("vcache", vc)
                    .buffer("qkv", x).integer("n", rows * c).integer("b", b).integer("maxT", maxT).integer("pos", pos)
                    .integer("c", c), rows * c);
            rt.launch(ClArgs.of(ClKernel.ATTENTION_CACHED_SOFTMAX).buffer("att", att).buffer("qkv", x)
                    .buffer("kcache", kc).integer("rows", rows * nh).integer("b", b).integer("maxT", maxT)
                    .integer("pos", pos).integer("c", c).integer("nh", nh).integer("keys", keys).real("scale", scale),
                    rows * nh);
            rt.launch(ClArgs.of(ClKernel.ATTENTION_CACHED_VALUES).buffer("out", o).buffer("att", att)
                    .buffer("vcache", vc).integer("n", rows * c).integer("b", b).integer("maxT", maxT)
                    .integer("pos", pos).integer("c", c).integer("nh", nh).integer("keys", keys), rows * c);
        }
    }

    private static void checkHeads(int c, int nh) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("C=" + c + " is not a multiple of NH=" + nh);
        }
    }
}
