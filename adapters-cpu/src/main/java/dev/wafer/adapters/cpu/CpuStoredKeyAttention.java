package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * {@link CpuAttention}'s attention of new positions against keys and values already stored: a decoding cache
 * ({@link #forwardCached}, {@link #forwardCachedPositions}) or a kept context ({@link #forwardAfterPrefix}). On the
 * Vector API through {@link VectorRowAttention}, one per worker; on the scalar backend by the per-key loops of
 * {@link #cachedHead}. Float32 only: nothing here rounds its operands.
 */
final class CpuStoredKeyAttention {
    private final Parallel parallel;
    private final Blas1 blas;
    private final Scratch scratch;
    /** One per worker; null on the scalar backend. */
    private final VectorRowAttention[] rowAttention;

    CpuStoredKeyAttention(Parallel parallel, Blas1 blas, boolean vectorized) {
        this.parallel = parallel;
        this.blas = blas;
        this.scratch = new Scratch(parallel.workers());
        this.rowAttention = vectorized ? new VectorRowAttention[parallel.workers()] : null;
        for (int w = 0; vectorized && w < rowAttention.length; w++) {
            rowAttention[w] = new VectorRowAttention();
        }
    }

    /**
     * One (sequence, head) pair per task, as the training forward's scalar path: float32 scores, {@code exp} summed in
     * double, the prefix's keys first and then the sequence's own. Float32 operands.
     */
    void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                   int b, int t, int c, int nh, float scale) {
        AttentionKernel.checkPrefixes(prefixQkv, prefixStart, prefixLength, b, t, c, nh);
        CpuTensor o = CpuTensor.of(out, (long) b * t * c);
        CpuTensor in = CpuTensor.of(qkv, (long) b * t * 3 * c);
        CpuTensor pre = CpuTensor.of(prefixQkv);
        int longest = 0;
        for (int i = 0; i < b; i++) {
            longest = Math.max(longest, prefixLength[i]);
        }
        int keys = longest + t;
        int hs = c / nh;
        int c3 = 3 * c;
        float[] x = in.data;
        float[] px = pre.data;
        float[] od = o.data;
        if (rowAttention != null) {
            parallel.range(b * nh, 1, (w, from, to) -> {
                VectorRowAttention rows = rowAttention[w];
                for (int bh = from; bh < to; bh++) {
                    int bb = bh / nh;
                    int h = bh % nh;
                    int pBase = pre.offset + prefixStart[bb] * c3 + h * hs;
                    int own = in.offset + bb * t * c3 + h * hs;
                    rows.keys(px, pBase + c, px, pBase + 2 * c, c3, prefixLength[bb]);
                    rows.moreKeys(x, own + c, x, own + 2 * c, c3, t);
                    rows.attend(t, hs, x, own, c3, scale, od, o.offset + bb * t * c + h * hs, c);
                }
            });
            return;
        }
        parallel.range(b * nh, 1, (w, from, to) -> {
            float[] s = scratch.floats(w, keys);
            for (int bh = from; bh < to; bh++) {
                int bb = bh / nh;
                int h = bh % nh;
                int np = prefixLength[bb];
                int pBase = pre.offset + prefixStart[bb] * c3;
                for (int i = 0; i < t; i++) {
                    int q = in.offset + (bb * t + i) * c3 + h * hs;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j < np; j++) {
                        float v = scale * blas.dot(x, q, px, pBase + j * c3 + c + h * hs, hs);
                        s[j] = v;
                        max = Math.max(max, v);
                    }
                    for (int j = 0; j <= i; j++) {
                        float v = scale * blas.dot(x, q, x, in.offset + (bb * t + j) * c3 + c + h * hs, hs);
                        s[np + j] = v;
                        max = Math.max(max, v);
                    }
                    int n = np + i + 1;
                    double sum = 0;
                    for (int j = 0; j < n; j++) {
                        float e = (float) Math.exp(s[j] - max);
                        s[j] = e;
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    int oo = o.offset + (bb * t + i) * c + h * hs;
                    java.util.Arrays.fill(od, oo, oo + hs, 0f);
                    for (int j = 0; j < np; j++) {
                        blas.axpy(s[j] * inv, px, pBase + j * c3 + 2 * c + h * hs, od, oo, hs);
                    }
                    for (int j = 0; j <= i; j++) {
                        blas.axpy(s[np + j] * inv, x, in.offset + (bb * t + j) * c3 + 2 * c + h * hs, od, oo, hs);
                    }
                }
            }
        });
    }

    void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        CpuAttention.checkHeads(c, nh);
        if (pos < 0) {
            throw new IllegalArgumentException("position must be >= 0, found " + pos);
        }
        CpuTensor o = CpuTensor.of(out, c);
        CpuTensor in = CpuTensor.of(qkv, 3L * c);
        CpuTensor kc = CpuTensor.of(kCache, (long) (pos + 1) * c);
        CpuTensor vc = CpuTensor.of(vCache, (long) (pos + 1) * c);
        int hs = c / nh;
        System.arraycopy(in.data, in.offset + c, kc.data, kc.offset + pos * c, c);
        System.arraycopy(in.data, in.offset + 2 * c, vc.data, vc.offset + pos * c, c);
        // Few heads and one query: the hand-off to worker threads would cost more than the work.
        if (rowAttention != null) {
            VectorRowAttention rows = rowAttention[0];
            for (int h = 0; h < nh; h++) {
                rows.keys(kc.data, kc.offset + h * hs, vc.data, vc.offset + h * hs, c, pos + 1);
                rows.attend(1, hs, in.data, in.offset + h * hs, 0, scale, o.data, o.offset + h * hs, 0);
            }
            return;
        }
        float[] s = scratch.floats(0, pos + 1);
        for (int h = 0; h < nh; h++) {
            cachedHead(in.data, in.offset + h * hs, kc.data, kc.offset + h * hs, vc.data, vc.offset + h * hs, pos, c,
                    hs, scale, s, o.data, o.offset + h * hs);
        }
    }

    /**
     * The pass's keys and values go into the caches first; the result is the position-by-position calls' bit for
     * bit. On the Vector API, a task per (sequence, head) runs all of the pass's positions through
     * {@link VectorRowAttention}, whose rows do not depend on the other rows of their call. On the scalar backend its
     * {@code k · b · nh} (query, head) pairs are each computed as {@link #forwardCached} computes a head, dealt to the
     * workers in turn (pair p to worker p mod W), not in contiguous chunks: a later position attends to more keys,
     * and contiguous chunks would give the last worker most of the work.
     */
    void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                       int k, int c, int nh, float scale) {
        AttentionKernel.checkCachedPositions(b, maxT, pos, k);
        CpuAttention.checkHeads(c, nh);
        AttentionKernel.checkCaches(kCache, vCache, b, maxT, c);
        long perSequence = (long) maxT * c;
        int rows = k * b;
        CpuTensor o = CpuTensor.of(out, (long) rows * c);
        CpuTensor in = CpuTensor.of(qkv, 3L * rows * c);
        CpuTensor kc = CpuTensor.of(kCache, b * perSequence);
        CpuTensor vc = CpuTensor.of(vCache, b * perSequence);
        int hs = c / nh;
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < b; i++) {
                int from = in.offset + (j * b + i) * 3 * c;
                int to = (int) (i * perSequence) + (pos + j) * c;
                System.arraycopy(in.data, from + c, kc.data, kc.offset + to, c);
                System.arraycopy(in.data, from + 2 * c, vc.data, vc.offset + to, c);
            }
        }
        if (rowAttention != null) {
            // A task per (sequence, head): every head of a sequence has the same keys, so the tasks are even. A pass
            // of few (query, head) pairs stays on this thread, as forwardCached does.
            int tasks = b * nh;
            int grain = k * tasks >= 4 * parallel.workers() ? 1 : tasks;
            parallel.range(tasks, grain, (w, from, to) -> {
                VectorRowAttention attention = rowAttention[w];
                for (int ih = from; ih < to; ih++) {
                    int i = ih / nh;
                    int h = ih - i * nh;
                    int head = (int) (i * perSequence) + h * hs;
                    attention.keys(kc.data, kc.offset + head, vc.data, vc.offset + head, c, pos + k);
                    attention.attend(k, hs, in.data, in.offset + i * 3 * c + h * hs, b * 3 * c, scale, o.data,
                            o.offset + i * c + h * hs, b * c);
                }
            });
            return;
        }
        int pairs = rows * nh;
        int workers = parallel.workers();
        // A pass of one position with few heads stays on this thread, as forwardCached does.
        int dealt = pairs >= 4 * workers ? workers : 1;
        parallel.range(dealt, 1, (w, first, end) -> {
            float[] s = scratch.floats(w, pos + k);
            for (int start = first; start < end; start++) {
                for (int p = start; p < pairs; p += dealt) {
                    int row = p / nh;
                    int h = p - row * nh;
                    int j = row / b;
                    int i = row - j * b;
                    int head = (int) (i * perSequence) + h * hs;
                    cachedHead(in.data, in.offset + row * 3 * c + h * hs, kc.data, kc.offset + head, vc.data,
                            vc.offset + head, pos + j, c, hs, scale, s, o.data, o.offset + row * c + h * hs);
                }
            }
        });
    }

    /**
     * One head of one cached query: scores against keys {@code 0..last} (rows {@code c} apart from {@code kOff}),
     * softmax in double, then the weighted sum of the values into {@code o[oo..oo+hs)}.
     */
    private void cachedHead(float[] x, int q, float[] keys, int kOff, float[] vals, int vOff, int last, int c, int hs,
                            float scale, float[] s, float[] o, int oo) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j <= last; j++) {
            float v = scale * blas.dot(x, q, keys, kOff + j * c, hs);
            s[j] = v;
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int j = 0; j <= last; j++) {
            float e = (float) Math.exp(s[j] - max);
            s[j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        java.util.Arrays.fill(o, oo, oo + hs, 0f);
        for (int j = 0; j <= last; j++) {
            blas.axpy(s[j] * inv, vals, vOff + j * c, o, oo, hs);
        }
    }
}
