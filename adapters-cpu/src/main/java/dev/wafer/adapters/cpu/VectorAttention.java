package dev.wafer.adapters.cpu;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Causal attention on the Vector API, one (batch, head) pair per task, written as small GEMMs: every product
 * ({@code QKᵀ}, {@code PV}, {@code dO·Vᵀ}, {@code Pᵀ·dO}, {@code dS·K}, {@code dSᵀ·Q}) goes through one register-tiled
 * kernel ({@link #mm}) that broadcasts a scalar of A against {@link #W}-wide rows of a contiguous, zero-padded B.
 * Each output element is one fused-multiply-add chain in a fixed order (terms past the causal edge are exact
 * zeros), softmax sums are lane partials added in a fixed order, so results do not depend on the JIT or on timing.
 * Per-worker scratch (grown once) holds the padded copies; nothing is allocated per call once it has grown.
 */
final class VectorAttention {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Output columns per kernel call: four vectors. */
    static final int W = 4 * L;

    private final Parallel parallel;
    private final Scratch scratch;
    private final float[][] lanes;

    VectorAttention(Parallel parallel) {
        this.parallel = parallel;
        this.scratch = new Scratch(parallel.workers());
        this.lanes = new float[parallel.workers()][L];
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /**
     * @param probs the format the probabilities are rounded to (FP32: not rounded)
     * @param a16   the saved probabilities as bf16 (then {@code ad} is unused; {@code probs} must be BF16), or null
     *              to save them in {@code ad} from {@code aOff}
     */
    void forward(float[] od, int oOff, float[] ad, int aOff, MemorySegment a16, float[] x, int xOff, int b, int t,
                 int c, int nh, float scale, dev.wafer.ports.compute.OperandFormat probs) {
        boolean roundProbs = probs != dev.wafer.ports.compute.OperandFormat.FP32;
        int hs = c / nh;
        int c3 = 3 * c;
        int tp = roundUp(t, W);
        int hp = roundUp(hs, W);
        int ktAt = 0;
        int vpAt = ktAt + hs * tp;
        int opAt = vpAt + t * hp;
        int scAt = opAt + t * hp;
        // With bf16 storage one head's probabilities are built in float32 scratch, then stored (already bf16 values).
        int paAt = scAt + t * tp;
        int total = paAt + (a16 == null ? 0 : t * t);
        parallel.range(b * nh, 1, (w, from, to) -> {
            float[] s = scratch.floats(w, total);
            float[] tmp = lanes[w];
            float[] pa = a16 == null ? ad : s;
            for (int bh = from; bh < to; bh++) {
                int bb = bh / nh;
                int h = bh % nh;
                int base = xOff + bb * t * c3 + h * hs;
                int attBase = a16 == null ? aOff + bh * t * t : paAt;
                // Kᵀ (hs x tp) and V (t x hp), zero-padded.
                for (int d = 0; d < hs; d++) {
                    int row = ktAt + d * tp;
                    for (int j = 0; j < t; j++) {
                        s[row + j] = x[base + j * c3 + c + d];
                    }
                    java.util.Arrays.fill(s, row + t, row + tp, 0f);
                }
                for (int j = 0; j < t; j++) {
                    int row = vpAt + j * hp;
                    System.arraycopy(x, base + j * c3 + 2 * c, s, row, hs);
                    java.util.Arrays.fill(s, row + hs, row + hp, 0f);
                }
                // Scores: S = Q·Kᵀ over the causal tiles.
                for (int i0 = 0; i0 < t; i0 += 4) {
                    int rows = Math.min(4, t - i0);
                    int jEnd = i0 + rows;
                    for (int j0 = 0; j0 < jEnd; j0 += W) {
                        mm(rows, x, base + i0 * c3, c3, 1, s, ktAt + j0, tp, 0, hs, s, scAt + i0 * tp + j0, tp);
                    }
                }
                // Softmax rows into att (zeros past the diagonal).
                for (int i = 0; i < t; i++) {
                    softmaxRow(s, scAt + i * tp, i + 1, scale, pa, attBase + i * t, t, tmp,
                            roundProbs ? probs : null);
                }
                // O = P·V.
                for (int i0 = 0; i0 < t; i0 += 4) {
                    int rows = Math.min(4, t - i0);
                    for (int d0 = 0; d0 < hp; d0 += W) {
                        mm(rows, pa, attBase + i0 * t, t, 1, s, vpAt + d0, hp, 0, i0 + rows, s, opAt + i0 * hp + d0,
                                hp);
                    }
                }
                if (a16 != null) { // bf16-exact values: packing them only drops zero low bits
                    VectorBf16Pack.pack(s, paAt, a16, 2L * bh * t * t, t * t);
                }
                int ob = oOff + bb * t * c + h * hs;
                for (int i = 0; i < t; i++) {
                    System.arraycopy(s, opAt + i * hp, od, ob + i * c, hs);
                }
            }
        });
    }

    /**
     * @param scoreGrads the format dS is rounded to before dS·K and dSᵀ·Q (FP32: not rounded)
     * @param a16        the saved probabilities as bf16 (then {@code ad} is unused), or null to read {@code ad}
     */
    void backward(float[] dd, int dOff, float[] g, int gOff, float[] x, int xOff, float[] ad, int aOff,
                  MemorySegment a16, int b, int t, int c, int nh, float scale,
                  dev.wafer.ports.compute.OperandFormat scoreGrads) {
        boolean roundScores = scoreGrads != dev.wafer.ports.compute.OperandFormat.FP32;
        int hs = c / nh;
        int c3 = 3 * c;
        int tp = roundUp(t, W);
        int hp = roundUp(hs, W);
        int vtAt = 0;
        int kpAt = vtAt + hs * tp;
        int qpAt = kpAt + t * hp;
        int gpAt = qpAt + t * hp;
        int opAt = gpAt + t * hp;
        int dsAt = opAt + t * hp;
        // With bf16 storage one head's probabilities are widened (exactly) into float32 scratch.
        int paAt = dsAt + t * tp;
        int total = paAt + (a16 == null ? 0 : t * t);
        parallel.range(b * nh, 1, (w, from, to) -> {
            float[] s = scratch.floats(w, total);
            float[] tmp = lanes[w];
            float[] pa = a16 == null ? ad : s;
            for (int bh = from; bh < to; bh++) {
                int bb = bh / nh;
                int h = bh % nh;
                int base = xOff + bb * t * c3 + h * hs;
                int gBase = gOff + bb * t * c + h * hs;
                int dBase = dOff + bb * t * c3 + h * hs;
                int attBase = a16 == null ? aOff + bh * t * t : paAt;
                if (a16 != null) {
                    VectorBf16Pack.widen(a16, 2L * bh * t * t, s, paAt, t * t);
                }
                for (int d = 0; d < hs; d++) {
                    int row = vtAt + d * tp;
                    for (int j = 0; j < t; j++) {
                        s[row + j] = x[base + j * c3 + 2 * c + d];
                    }
                    java.util.Arrays.fill(s, row + t, row + tp, 0f);
                }
                for (int j = 0; j < t; j++) {
                    copyPadded(x, base + j * c3 + c, s, kpAt + j * hp, hs, hp);
                    copyPadded(x, base + j * c3, s, qpAt + j * hp, hs, hp);
                    copyPadded(g, gBase + j * c, s, gpAt + j * hp, hs, hp);
                }
                // dP = dO·Vᵀ over the causal tiles.
                for (int i0 = 0; i0 < t; i0 += 4) {
                    int rows = Math.min(4, t - i0);
                    int jEnd = i0 + rows;
                    for (int j0 = 0; j0 < jEnd; j0 += W) {
                        mm(rows, g, gBase + i0 * c, c, 1, s, vtAt + j0, tp, 0, hs, s, dsAt + i0 * tp + j0, tp);
                    }
                }
                // dS = P ⊙ (dP - rowdot(P, dP)) · scale, zero past the diagonal.
                for (int i = 0; i < t; i++) {
                    scoreGradientRow(s, dsAt + i * tp, tp, pa, attBase + i * t, i + 1, t, scale, tmp,
                            roundScores ? scoreGrads : null);
                }
                // dQ = dS·K.
                for (int i0 = 0; i0 < t; i0 += 4) {
                    int rows = Math.min(4, t - i0);
                    for (int d0 = 0; d0 < hp; d0 += W) {
                        mm(rows, s, dsAt + i0 * tp, tp, 1, s, kpAt + d0, hp, 0, i0 + rows, s, opAt + i0 * hp + d0,
                                hp);
                    }
                }
                for (int i = 0; i < t; i++) {
                    System.arraycopy(s, opAt + i * hp, dd, dBase + i * c3, hs);
                }
                // dK = dSᵀ·Q.
                for (int j0 = 0; j0 < t; j0 += 4) {
                    int rows = Math.min(4, t - j0);
                    for (int d0 = 0; d0 < hp; d0 += W) {
                        mm(rows, s, dsAt + j0, 1, tp, s, qpAt + d0, hp, j0, t, s, opAt + j0 * hp + d0, hp);
                    }
                }
                for (int j = 0; j < t; j++) {
                    System.arraycopy(s, opAt + j * hp, dd, dBase + j * c3 + c, hs);
                }
                // dV = Pᵀ·dO.
                for (int j0 = 0; j0 < t; j0 += 4) {
                    int rows = Math.min(4, t - j0);
                    for (int d0 = 0; d0 < hp; d0 += W) {
                        mm(rows, pa, attBase + j0, 1, t, s, gpAt + d0, hp, j0, t, s, opAt + j0 * hp + d0, hp);
                    }
                }
                for (int j = 0; j < t; j++) {
                    System.arraycopy(s, opAt + j * hp, dd, dBase + j * c3 + 2 * c, hs);
                }
            }
        });
    }

    /**
     * One softmax row: {@code ad[ao + j] = softmax(scale·s[so..so+n))_j}, rounded to {@code round} unless null,
     * zeros up to {@code t}; {@code ad} may be {@code s} with {@code ao == so}; {@code tmp} holds a vector. A method of its own (arrays in, arrays out) so that C2 compiles it with its own inlining
     * budget: inside the per-head lambda its vector operations were not all inlined, and boxed (JFR).
     */
    static void softmaxRow(float[] s, int so, int n, float scale, float[] ad, int ao, int t, float[] tmp,
                                   dev.wafer.ports.compute.OperandFormat round) {
        int nv = roundUp(n, L);
        FloatVector vmax = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < nv; j += L) {
            FloatVector v = FloatVector.fromArray(S, s, so + j).mul(scale);
            VectorMask<Float> m = S.indexInRange(j, n);
            v = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY).blend(v, m);
            v.intoArray(s, so + j);
            vmax = vmax.max(v);
        }
        vmax.intoArray(tmp, 0);
        float max = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < L; l++) {
            max = Math.max(max, tmp[l]);
        }
        FloatVector acc = FloatVector.zero(S);
        FloatVector zero = FloatVector.zero(S);
        for (int j = 0; j < nv; j += L) {
            FloatVector e = VectorExp.exp(FloatVector.fromArray(S, s, so + j).sub(max));
            e = zero.blend(e, S.indexInRange(j, n));
            e.intoArray(s, so + j);
            acc = acc.add(e);
        }
        acc.intoArray(tmp, 0);
        double sum = 0;
        for (int l = 0; l < L; l++) {
            sum += tmp[l];
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < nv; j += L) {
            FloatVector.fromArray(S, s, so + j).mul(inv).intoArray(s, so + j);
        }
        System.arraycopy(s, so, ad, ao, n);
        if (round != null) {
            roundInPlace(round, ad, ao, n);
        }
        java.util.Arrays.fill(ad, ao + n, ao + t, 0f);
    }

    /**
     * One row of the softmax gradient, in place over {@code dP}: {@code s[so + j] = P_j (dP_j - Σ P·dP) · scale},
     * rounded to {@code round} unless null, zeros up to {@code tp}. Its own method for the reason of
     * {@link #softmaxRow}.
     */
    private static void scoreGradientRow(float[] s, int so, int tp, float[] ad, int ao, int n, int t, float scale,
                                         float[] tmp, dev.wafer.ports.compute.OperandFormat round) {
        int nv = roundUp(n, L);
        FloatVector zero = FloatVector.zero(S);
        FloatVector acc = zero;
        for (int j = 0; j < nv; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector p = j + L <= t ? zero.blend(FloatVector.fromArray(S, ad, ao + j), m)
                    : FloatVector.fromArray(S, ad, ao + j, m);
            FloatVector dp = zero.blend(FloatVector.fromArray(S, s, so + j), m);
            acc = p.fma(dp, acc);
        }
        acc.intoArray(tmp, 0);
        double dot = 0;
        for (int l = 0; l < L; l++) {
            dot += tmp[l];
        }
        float fdot = (float) dot;
        for (int j = 0; j < nv; j += L) {
            VectorMask<Float> m = S.indexInRange(j, n);
            FloatVector p = j + L <= t ? zero.blend(FloatVector.fromArray(S, ad, ao + j), m)
                    : FloatVector.fromArray(S, ad, ao + j, m);
            FloatVector dp = zero.blend(FloatVector.fromArray(S, s, so + j), m);
            p.mul(dp.sub(fdot)).mul(scale).intoArray(s, so + j);
        }
        if (round != null) {
            roundInPlace(round, s, so, n);
        }
        java.util.Arrays.fill(s, so + nv, so + tp, 0f);
    }

    /** Rounds a row in place: bf16 on the Vector API (the same bits as {@link Rounding}), fp16 by the scalar loop. */
    private static void roundInPlace(dev.wafer.ports.compute.OperandFormat format, float[] a, int off, int n) {
        if (format == dev.wafer.ports.compute.OperandFormat.BF16) {
            VectorBf16Pack.round(a, off, a, off, n);
        } else {
            Rounding.inPlace(format, a, off, n);
        }
    }

    private static void copyPadded(float[] src, int so, float[] dst, int dOff, int n, int padded) {
        System.arraycopy(src, so, dst, dOff, n);
        java.util.Arrays.fill(dst, dOff + n, dOff + padded, 0f);
    }

    /**
     * {@code C[r][0, W) = Σ_{p=k0}^{k1-1} A(r, p)·B[p][0, W)} for {@code r < rows} (at most 4), where
     * {@code A(r, p) = a[aOff + r·ars + (p - k0)·aks]} relative to row 0 at p = k0... precisely
     * {@code a[aOff + r·ars + p·aks]} with the row origin already in {@code aOff}, and {@code B[p] = b[bOff + p·ldb]}.
     */
    static void mm(int rows, float[] a, int aOff, int ars, int aks, float[] b, int bOff, int ldb, int k0, int k1,
                   float[] c, int cOff, int ldc) {
        if (rows == 4) {
            mm4(a, aOff, ars, aks, b, bOff, ldb, k0, k1, c, cOff, ldc);
        } else {
            for (int r = 0; r < rows; r++) {
                mm1(a, aOff + r * ars, aks, b, bOff, ldb, k0, k1, c, cOff + r * ldc);
            }
        }
    }

    private static void mm4(float[] a, int aOff, int ars, int aks, float[] b, int bOff, int ldb, int k0, int k1,
                            float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        for (int p = k0; p < k1; p++) {
            int bi = bOff + p * ldb;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(S, b, bi + 3 * L);
            int ai = aOff + p * aks;
            FloatVector v = FloatVector.broadcast(S, a[ai]);
            c00 = v.fma(b0, c00);
            c01 = v.fma(b1, c01);
            c02 = v.fma(b2, c02);
            c03 = v.fma(b3, c03);
            v = FloatVector.broadcast(S, a[ai + ars]);
            c10 = v.fma(b0, c10);
            c11 = v.fma(b1, c11);
            c12 = v.fma(b2, c12);
            c13 = v.fma(b3, c13);
            v = FloatVector.broadcast(S, a[ai + 2 * ars]);
            c20 = v.fma(b0, c20);
            c21 = v.fma(b1, c21);
            c22 = v.fma(b2, c22);
            c23 = v.fma(b3, c23);
            v = FloatVector.broadcast(S, a[ai + 3 * ars]);
            c30 = v.fma(b0, c30);
            c31 = v.fma(b1, c31);
            c32 = v.fma(b2, c32);
            c33 = v.fma(b3, c33);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c02.intoArray(c, cOff + 2 * L);
        c03.intoArray(c, cOff + 3 * L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c12.intoArray(c, cOff + ldc + 2 * L);
        c13.intoArray(c, cOff + ldc + 3 * L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c22.intoArray(c, cOff + 2 * ldc + 2 * L);
        c23.intoArray(c, cOff + 2 * ldc + 3 * L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c32.intoArray(c, cOff + 3 * ldc + 2 * L);
        c33.intoArray(c, cOff + 3 * ldc + 3 * L);
    }

    private static void mm1(float[] a, int aOff, int aks, float[] b, int bOff, int ldb, int k0, int k1, float[] c,
                            int cOff) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        for (int p = k0; p < k1; p++) {
            int bi = bOff + p * ldb;
            FloatVector v = FloatVector.broadcast(S, a[aOff + p * aks]);
            c0 = v.fma(FloatVector.fromArray(S, b, bi), c0);
            c1 = v.fma(FloatVector.fromArray(S, b, bi + L), c1);
            c2 = v.fma(FloatVector.fromArray(S, b, bi + 2 * L), c2);
            c3 = v.fma(FloatVector.fromArray(S, b, bi + 3 * L), c3);
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + L);
        c2.intoArray(c, cOff + 2 * L);
        c3.intoArray(c, cOff + 3 * L);
    }
}
