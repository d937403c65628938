package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Causal multi-head attention, its products on {@link ClGemm} with the heads of a sequence as the batch (no copies:
 * Q, K and V are read in place with row stride 3C). Forward: scores S = Q Kᵀ into att (blocks on or below the
 * diagonal), the softmax a work-item per row, then out = P V. Backward: dP = dO Vᵀ into a runtime-owned (B, NH, T, T)
 * scratch block, the softmax gradient dS a work-item per row, then dQ = dS K, dK = dSᵀ Q and dV = Pᵀ dO, each
 * summing only over the keys (or queries) that are not masked; dqkv is written, not accumulated. Why: a work-item
 * per row or per element computed every dot product alone, over rows of different lengths.
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
        int hs = c / nh;
        int c3 = 3 * c;
        int tt = t * t;
        synchronized (rt) {
            for (int s = 0; s < b; s++) {
                int q = x.offset + s * t * c3;
                ClGemm.run(rt, a.offset + s * nh * tt, t, tt, new ClGemm.Operand(q, c3, 1, hs),
                        new ClGemm.Operand(q + c, 1, c3, hs), -1, t, t, hs, false, nh,
                        ClGemm.Causal.BLOCKS_ON_OR_BELOW_DIAGONAL);
            }
            rt.launchRows(ClArgs.of(ClKernel.ATTENTION_SOFTMAX_ROWS).buffer("att", a).integer("t", t)
                    .real("scale", scale), b * nh * t);
            for (int s = 0; s < b; s++) {
                int q = x.offset + s * t * c3;
                ClGemm.run(rt, o.offset + s * t * c, c, hs, new ClGemm.Operand(a.offset + s * nh * tt, t, 1, tt),
                        new ClGemm.Operand(q + 2 * c, c3, 1, hs), -1, t, hs, t, false, nh,
                        ClGemm.Causal.INNER_UP_TO_ROW);
            }
        }
    }

    @Override
    public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        ClTensor dx = ClTensor.of(rt, dqkv, 3L * b * t * c);
        ClTensor dy = ClTensor.of(rt, dout, (long) b * t * c);
        ClTensor x = ClTensor.of(rt, qkv, 3L * b * t * c);
        ClTensor a = ClTensor.of(rt, att, (long) b * nh * t * t);
        int hs = c / nh;
        int c3 = 3 * c;
        int tt = t * t;
        synchronized (rt) {
            int dpre = rt.scratch((long) b * nh * tt);
            for (int s = 0; s < b; s++) {
                int q = x.offset + s * t * c3;
                ClGemm.run(rt, dpre + s * nh * tt, t, tt, new ClGemm.Operand(dy.offset + s * t * c, c, 1, hs),
                        new ClGemm.Operand(q + 2 * c, 1, c3, hs), -1, t, t, hs, false, nh,
                        ClGemm.Causal.BLOCKS_ON_OR_BELOW_DIAGONAL);
            }
            rt.launchRows(ClArgs.of(ClKernel.ATTENTION_SOFTMAX_BACKWARD_ROWS).buffer("dpre", dpre).buffer("att", a)
                    .integer("t", t).real("scale", scale), b * nh * t);
            for (int s = 0; s < b; s++) {
                int q = x.offset + s * t * c3;
                int dq = dx.offset + s * t * c3;
                int ds = dpre + s * nh * tt;
                int p = a.offset + s * nh * tt;
                int g = dy.offset + s * t * c;
                ClGemm.run(rt, dq, c3, hs, new ClGemm.Operand(ds, t, 1, tt), new ClGemm.Operand(q + c, c3, 1, hs),
                        -1, t, hs, t, false, nh, ClGemm.Causal.INNER_UP_TO_ROW);
                ClGemm.run(rt, dq + c, c3, hs, new ClGemm.Operand(ds, 1, t, tt), new ClGemm.Operand(q, c3, 1, hs),
                        -1, t, hs, t, false, nh, ClGemm.Causal.INNER_FROM_ROW);
                ClGemm.run(rt, dq + 2 * c, c3, hs, new ClGemm.Operand(p, 1, t, tt), new ClGemm.Operand(g, c, 1, hs),
                        -1, t, hs, t, false, nh, ClGemm.Causal.INNER_FROM_ROW);
            }
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
