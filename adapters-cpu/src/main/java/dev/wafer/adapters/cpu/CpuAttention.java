package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * Causal attention, one (batch, head) pair per task: the pairs touch disjoint slices of {@code out} and
 * {@code dqkv}, so no locking is needed. Scores are written straight into the saved {@code att} rows.
 */
final class CpuAttention implements AttentionKernel {
    private final Parallel parallel;
    private final Blas1 blas;
    private final Scratch scratch;
    /** The blocked Vector API path for training attention; null on the scalar backend. */
    private final VectorAttention vector;
    /** Attention of new positions against stored keys, one per worker; null on the scalar backend. */
    private final VectorRowAttention[] rowAttention;
    /** Format of the probabilities (saved, and the operand of P·V and Pᵀ·dO); FP32 for the float32 kernel. */
    private final OperandFormat probabilities;
    /** Format the softmax gradient dS is rounded to before dS·K and dSᵀ·Q. */
    private final OperandFormat scoreGradients;
    /** Rounds Q, K, V and dO on entry; null for the float32 kernel. */
    private final Rounding inputs;
    private float[] qkv16 = new float[0];
    private float[] dout16 = new float[0];

    CpuAttention(Parallel parallel, Blas1 blas, boolean vectorized) {
        this(parallel, blas, vectorized, OperandFormat.FP32, false);
    }

    /**
     * @param format             operand format of the products (FP32: the float32 kernel, nothing rounded)
     * @param fp32ScoreGradients keep the softmax gradient in float32 through dS·K and dSᵀ·Q
     */
    CpuAttention(Parallel parallel, Blas1 blas, boolean vectorized, OperandFormat format, boolean fp32ScoreGradients) {
        this.parallel = parallel;
        this.blas = blas;
        this.scratch = new Scratch(parallel.workers());
        this.vector = vectorized ? new VectorAttention(parallel) : null;
        this.rowAttention = vectorized ? new VectorRowAttention[parallel.workers()] : null;
        for (int w = 0; vectorized && w < rowAttention.length; w++) {
            rowAttention[w] = new VectorRowAttention();
        }
        this.probabilities = format;
        this.scoreGradients = fp32ScoreGradients ? OperandFormat.FP32 : format;
        this.inputs = format == OperandFormat.FP32 ? null : new Rounding(format, parallel, vectorized);
    }

    @Override
    public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        CpuTensor o = CpuTensor.of(out, (long) b * t * c);
        CpuTensor a = probabilities(att, (long) b * nh * t * t);
        CpuTensor in = inputs(qkv, (long) b * t * 3 * c);
        int hs = c / nh;
        int c3 = 3 * c;
        float[] x = in.data;
        int xOff = in.offset;
        if (inputs != null) {
            x = roundedInputs(in, b * t * c3);
            xOff = 0;
        }
        float[] od = o.data;
        OperandFormat pf = probabilities;
        MemorySegment a16 = a.isBf16() ? a.bf16(0, (long) b * nh * t * t) : null;
        if (vector != null) {
            vector.forward(od, o.offset, a.data, a.offset, a16, x, xOff, b, t, c, nh, scale, pf);
            return;
        }
        forwardScalar(od, o, a, a16, x, xOff, b, t, c, nh, scale, pf);
    }

    /**
     * {@code qkv}: float32, or bf16 when this kernel rounds Q, K, V to bf16 on entry (then it takes them as stored);
     * bf16 for any other kernel is refused.
     */
    private CpuTensor inputs(Tensor qkv, long n) {
        CpuTensor in = CpuTensor.ofEither(qkv, n);
        if (in.isBf16() && (inputs == null || inputs.format() != OperandFormat.BF16)) {
            throw new IllegalArgumentException("qkv: a bf16 qkv needs the bf16 attention kernel (this one reads "
                    + probabilities.id() + " Q, K, V)");
        }
        return in;
    }

    /** Q, K, V as this kernel's 16-bit operands in {@link #qkv16}: rounded from float32, or widened from bf16. */
    private float[] roundedInputs(CpuTensor in, int n) {
        qkv16 = Rounding.grow(qkv16, n);
        if (in.isBf16()) {
            Bf16Values.widen(parallel, in.bf16(0, n), qkv16, 0, n, vector != null);
        } else {
            inputs.round(in.data, in.offset, qkv16, n);
        }
        return qkv16;
    }

    /**
     * The saved probabilities {@code att}: float32, or bf16 when this kernel rounds them to bf16 (then storing them
     * in bf16 loses nothing); bf16 for any other kernel is refused.
     */
    private CpuTensor probabilities(Tensor att, long n) {
        CpuTensor a = CpuTensor.ofEither(att, n);
        if (a.isBf16() && probabilities != OperandFormat.BF16) {
            throw new IllegalArgumentException("att: bf16 storage of the attention probabilities needs the bf16"
                    + " attention kernel (this one keeps them " + probabilities.id() + ")");
        }
        return a;
    }

    private void forwardScalar(float[] od, CpuTensor o, CpuTensor a, MemorySegment a16, float[] x, int xOff, int b,
                               int t, int c, int nh, float scale, OperandFormat pf) {
        int hs = c / nh;
        int c3 = 3 * c;
        parallel.range(b * nh, 1, (w, from, to) -> {
            // With bf16 storage one head's probabilities are built in float32 scratch, then stored.
            float[] ad = a16 == null ? a.data : scratch.floats(w, t * t);
            for (int bh = from; bh < to; bh++) {
                int bb = bh / nh;
                int h = bh % nh;
                int aBase = a16 == null ? a.offset + bh * t * t : 0;
                for (int i = 0; i < t; i++) {
                    int q = xOff + (bb * t + i) * c3 + h * hs;
                    int row = aBase + i * t;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        int k = xOff + (bb * t + j) * c3 + c + h * hs;
                        float s = scale * blas.dot(x, q, x, k, hs);
                        ad[row + j] = s;
                        max = Math.max(max, s);
                    }
                    double sum = 0;
                    for (int j = 0; j <= i; j++) {
                        float e = (float) Math.exp(ad[row + j] - max);
                        ad[row + j] = e;
                        sum += e;
                    }
                    float inv = (float) (1.0 / sum);
                    int oo = o.offset + (bb * t + i) * c + h * hs;
                    java.util.Arrays.fill(od, oo, oo + hs, 0f);
                    for (int j = 0; j <= i; j++) {
                        float p = pf.round(ad[row + j] * inv);
                        ad[row + j] = p;
                        blas.axpy(p, x, xOff + (bb * t + j) * c3 + 2 * c + h * hs, od, oo, hs);
                    }
                    java.util.Arrays.fill(ad, row + i + 1, row + t, 0f);
                }
                if (a16 != null) {
                    long at = 2L * bh * t * t;
                    for (int i = 0; i < t * t; i++) {
                        a16.set(JAVA_SHORT_UNALIGNED, at + 2L * i, Bf16Pack.bits(ad[i]));
                    }
                }
            }
        });
    }

    @Override
    public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh, float scale) {
        checkHeads(c, nh);
        CpuTensor d = CpuTensor.of(dqkv, (long) b * t * 3 * c);
        CpuTensor g = CpuTensor.of(dout, (long) b * t * c);
        CpuTensor in = inputs(qkv, (long) b * t * 3 * c);
        CpuTensor a = probabilities(att, (long) b * nh * t * t);
        int hs = c / nh;
        int c3 = 3 * c;
        float[] x = in.data;
        int xOff = in.offset;
        float[] gd = g.data;
        int gOff = g.offset;
        if (inputs != null) {
            x = roundedInputs(in, b * t * c3);
            xOff = 0;
            dout16 = Rounding.grow(dout16, (long) b * t * c);
            inputs.round(gd, gOff, dout16, b * t * c);
            gd = dout16;
            gOff = 0;
        }
        float[] dd = d.data;
        OperandFormat sf = scoreGradients;
        MemorySegment a16 = a.isBf16() ? a.bf16(0, (long) b * nh * t * t) : null;
        if (vector != null) {
            vector.backward(dd, d.offset, gd, gOff, x, xOff, a.data, a.offset, a16, b, t, c, nh, scale, sf);
            return;
        }
        backwardScalar(dd, d, gd, gOff, x, xOff, a, a16, b, t, c, nh, scale, sf);
    }

    private void backwardScalar(float[] dd, CpuTensor d, float[] gd, int gOff, float[] x, int xOff, CpuTensor a,
                                MemorySegment a16, int b, int t, int c, int nh, float scale, OperandFormat sf) {
        int hs = c / nh;
        int c3 = 3 * c;
        parallel.range(b * nh, 1, (w, from, to) -> {
            // datt in [0, t); with bf16 storage one head's probabilities widened (exactly) after it.
            float[] datt = scratch.floats(w, a16 == null ? t : t + t * t);
            float[] ad = a16 == null ? a.data : datt;
            for (int bh = from; bh < to; bh++) {
                int aBase = a16 == null ? a.offset + bh * t * t : t;
                if (a16 != null) {
                    Bf16Values.widen(a16, (long) bh * t * t, datt, t, t * t);
                }
                int bb = bh / nh;
                int h = bh % nh;
                for (int i = 0; i < t; i++) { // written, not accumulated: clear this head's q, k, v slices
                    int base = d.offset + (bb * t + i) * c3 + h * hs;
                    java.util.Arrays.fill(dd, base, base + hs, 0f);
                    java.util.Arrays.fill(dd, base + c, base + c + hs, 0f);
                    java.util.Arrays.fill(dd, base + 2 * c, base + 2 * c + hs, 0f);
                }
                for (int i = 0; i < t; i++) {
                    int row = aBase + i * t;
                    int go = gOff + (bb * t + i) * c + h * hs;
                    double dot = 0;
                    for (int j = 0; j <= i; j++) {
                        int v = (bb * t + j) * c3 + 2 * c + h * hs;
                        float p = ad[row + j];
                        datt[j] = blas.dot(gd, go, x, xOff + v, hs);
                        blas.axpy(p, gd, go, dd, d.offset + v, hs);
                        dot += p * datt[j];
                    }
                    float fdot = (float) dot;
                    int q = (bb * t + i) * c3 + h * hs;
                    for (int j = 0; j <= i; j++) {
                        float dpre = sf.round(ad[row + j] * (datt[j] - fdot) * scale);
                        int k = (bb * t + j) * c3 + c + h * hs;
                        blas.axpy(dpre, x, xOff + k, dd, d.offset + q, hs);
                        blas.axpy(dpre, x, xOff + q, dd, d.offset + k, hs);
                    }
                }
            }
        });
    }

    /**
     * One (sequence, head) pair per task, as {@link #forward}'s scalar path: float32 scores, {@code exp} summed in
     * double, the prefix's keys first and then the sequence's own. Only the float32 kernel implements it.
     */
    @Override
    public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                   int b, int t, int c, int nh, float scale) {
        if (inputs != null) {
            throw new UnsupportedOperationException("attention after a prefix is float32 only; this kernel rounds its"
                    + " operands to " + inputs.format().id());
        }
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

    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        checkHeads(c, nh);
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
    @Override
    public void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                       int k, int c, int nh, float scale) {
        AttentionKernel.checkCachedPositions(b, maxT, pos, k);
        checkHeads(c, nh);
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

    private static void checkHeads(int c, int nh) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("channels " + c + " not divisible by " + nh + " heads");
        }
    }
}
