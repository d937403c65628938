package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact GELU on the Vector API: the same erfc fit as {@link CpuGelu#phi} evaluated lane-wise in float
 * (the vector {@code EXP} is an intrinsic), with scalar tails. Loaded only when the incubator module is present.
 */
final class VectorGelu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float LOG2E = 1.44269504088896341f;
    private static final float ROUNDER = 12582912f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.428606765330187045e-06f;
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    private VectorGelu() {
    }

    /**
     * e^x lane-wise from IEEE adds, multiplies and fmas only, so the result is the same whether the code runs
     * interpreted or compiled. The Vector API's {@code EXP} is not: its compiled form (a vector math library) and
     * its fallback (Math.exp per lane) round differently, which made training depend on JIT timing.
     * Range reduction x = k·ln2 + r, |r| <= ln2/2, then a degree-7 Taylor polynomial (relative error below 2e-9
     * before rounding) and 2^k by exponent bits. Inputs are clamped to [-87, 88], where float e^x is normal.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector c = x.max(-87f).min(88f);
        // Round x·log2(e) to the nearest integer with the 1.5·2^23 trick (exact float arithmetic).
        FloatVector k = c.fma(FloatVector.broadcast(S, LOG2E), FloatVector.broadcast(S, ROUNDER)).sub(ROUNDER);
        FloatVector r = k.fma(FloatVector.broadcast(S, -LN2_HI), c);
        r = k.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1f / 5040f);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 720f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6f));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        return p.mul(bits.reinterpretAsFloats());
    }

    /** Φ(x) lane-wise. */
    private static FloatVector phi(FloatVector x) {
        FloatVector z = x.abs().mul(INV_SQRT2);
        FloatVector t = FloatVector.broadcast(S, 1f).div(z.mul(0.5f).add(1f));
        FloatVector p = FloatVector.broadcast(S, 0.17087277f);
        p = p.fma(t, FloatVector.broadcast(S, -0.82215223f));
        p = p.fma(t, FloatVector.broadcast(S, 1.48851587f));
        p = p.fma(t, FloatVector.broadcast(S, -1.13520398f));
        p = p.fma(t, FloatVector.broadcast(S, 0.27886807f));
        p = p.fma(t, FloatVector.broadcast(S, -0.18628806f));
        p = p.fma(t, FloatVector.broadcast(S, 0.09678418f));
        p = p.fma(t, FloatVector.broadcast(S, 0.37409196f));
        p = p.fma(t, FloatVector.broadcast(S, 1.00002368f));
        FloatVector arg = p.mul(t).sub(z.mul(z)).sub(1.26551223f);
        FloatVector half = t.mul(exp(arg)).mul(0.5f); // 0.5·erfc(|x|/√2)
        VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
        return half.blend(FloatVector.broadcast(S, 1f).sub(half), nonNegative);
    }

    static void forward(float[] x, int xo, float[] o, int oo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(phi(v)).intoArray(o, oo + i);
        }
        for (; i < to; i++) {
            double v = x[xo + i];
            o[oo + i] = (float) (v * CpuGelu.phi(v));
        }
    }

    static void backward(float[] d, int dO, float[] x, int xo, float[] g, int go, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector pdf = exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector local = v.fma(pdf, phi(v));
            FloatVector.fromArray(S, g, go + i).mul(local).intoArray(d, dO + i);
        }
        for (; i < to; i++) {
            double v = x[xo + i];
            double local = CpuGelu.phi(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
            d[dO + i] = (float) (g[go + i] * local);
        }
    }
}
