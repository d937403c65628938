package dev.wafer.adapters.cpu;

import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;

import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * Causal attention, one (batch, head) pair per task: the pairs touch disjoint slices of {@code out} and
 * {@code dqkv}, so no locking is needed. Scores are written straight into the saved {@code att} rows. Attention
 * against stored keys (decoding caches, kept contexts) is {@link CpuStoredKeyAttention}'s.
 */
final class CpuAttention implements AttentionKernel {
    private final Parallel parallel;
    private final Blas1 blas;
    private final Scratch scratch;
    /** The blocked Vector API path for training attention; null on the scalar backend. */
    private final VectorAttention vector;
    /** Attention of new positions against stored keys (decoding, kept contexts). */
    private final CpuStoredKeyAttention storedKeys;
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
        this.storedKeys = new CpuStoredKeyAttention(parallel, blas, vectorized);
        this.probabilities = format;
        this.scoreGradients = fp32ScoreGradients ? OperandFormat.FP32 : format;
        this.inputs = format == OperandFormat.FP32 ? null : new Rounding(format, parallel, vectorized);
    }

    @Override
    public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
        parallel.requireOpen();
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
        parallel.requireOpen();
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

    /** Float32 only; the computation is {@link CpuStoredKeyAttention#forwardAfterPrefix}'s. */
    @Override
    public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart, int[] prefixLength,
                                   int b, int t, int c, int nh, float scale) {
        parallel.requireOpen();
        if (inputs != null) {
            throw new UnsupportedOperationException("attention after a prefix is float32 only; this kernel rounds its"
                    + " operands to " + inputs.format().id());
        }
        storedKeys.forwardAfterPrefix(out, qkv, prefixQkv, prefixStart, prefixLength, b, t, c, nh, scale);
    }

    @Override
    public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                              float scale) {
        parallel.requireOpen();
        storedKeys.forwardCached(out, qkv, kCache, vCache, pos, c, nh, scale);
    }

    /** {@link CpuStoredKeyAttention#forwardCachedPositions}: the position-by-position calls' result, bit for bit. */
    @Override
    public void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT, int pos,
                                       int k, int c, int nh, float scale) {
        parallel.requireOpen();
        storedKeys.forwardCachedPositions(out, qkv, kCache, vCache, b, maxT, pos, k, c, nh, scale);
    }

    static void checkHeads(int c, int nh) {
        if (nh <= 0 || c % nh != 0) {
            throw new IllegalArgumentException("channels " + c + " not divisible by " + nh + " heads");
        }
    }
}
