package dev.wafer.adapters.cpu;

import static dev.wafer.adapters.cpu.VectorExp.LN2_HI;
import static dev.wafer.adapters.cpu.VectorExp.LN2_LO;
import static dev.wafer.adapters.cpu.VectorExp.LOG2E;
import static dev.wafer.adapters.cpu.VectorExp.MAX_X;
import static dev.wafer.adapters.cpu.VectorExp.MIN_X;
import static dev.wafer.adapters.cpu.VectorExp.SHIFTER;
import static dev.wafer.adapters.cpu.VectorExp.SHIFTER_BITS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exact GELU on the Vector API: the same erfc fit as {@link CpuGelu#phi} (relative error below 1.2e-7, so the
 * negative tail stays accurate where {@code 1 + erf} would cancel) evaluated lane-wise in float, with scalar tails.
 *
 * <p>Why every loop body spells out its exponentials instead of calling {@link VectorExp#exp}: once C2 has
 * compiled {@code exp} on its own, a caller that uses it twice (the backward: the erfc fit and the normal density)
 * no longer inlines it, and every vector crossing the call is boxed on the heap. Measured on this machine
 * (one thread, 16K floats in cache): backward 3.1 ns per element with the calls, 1.37 ns spelled out. The
 * operations are exactly {@link VectorExp#exp}'s, in the same order, so the bits are unchanged (fp32 runs keep
 * their numbers). Loaded only when the incubator module is present.
 */
final class VectorGelu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final float INV_SQRT2 = (float) (1.0 / Math.sqrt(2.0));
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    private VectorGelu() {
    }

    static void forward(float[] x, int xo, float[] o, int oo, int from, int to) {
        int i = from;
        for (; i <= to - L; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            // Φ(v) = 1 - 0.5·erfc(|v|/√2) for v >= 0, else 0.5·erfc(|v|/√2); erfc by the Chebyshev-fitted exp.
            FloatVector z = v.abs().mul(INV_SQRT2);
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
            // exp(arg), VectorExp.exp spelled out.
            FloatVector xc = arg.max(MIN_X).min(MAX_X);
            FloatVector sh = xc.mul(LOG2E).add(SHIFTER);
            FloatVector n = sh.sub(SHIFTER);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector e = FloatVector.broadcast(S, 1f / 5040f);
            e = e.fma(r, FloatVector.broadcast(S, 1f / 720f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 120f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 24f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 6f));
            e = e.fma(r, FloatVector.broadcast(S, 0.5f));
            e = e.fma(r, FloatVector.broadcast(S, 1f));
            e = e.fma(r, FloatVector.broadcast(S, 1f));
            IntVector bits = ((IntVector) sh.reinterpretAsInts()).sub(SHIFTER_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector half = t.mul(e.mul((FloatVector) bits.reinterpretAsFloats())).mul(0.5f);
            VectorMask<Float> nonNegative = v.compare(VectorOperators.GE, 0f);
            FloatVector phi = half.blend(FloatVector.broadcast(S, 1f).sub(half), nonNegative);
            v.mul(phi).intoArray(o, oo + i);
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
            // Φ(v) as in forward.
            FloatVector z = v.abs().mul(INV_SQRT2);
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
            FloatVector xc = arg.max(MIN_X).min(MAX_X);
            FloatVector sh = xc.mul(LOG2E).add(SHIFTER);
            FloatVector n = sh.sub(SHIFTER);
            FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            FloatVector e = FloatVector.broadcast(S, 1f / 5040f);
            e = e.fma(r, FloatVector.broadcast(S, 1f / 720f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 120f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 24f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 6f));
            e = e.fma(r, FloatVector.broadcast(S, 0.5f));
            e = e.fma(r, FloatVector.broadcast(S, 1f));
            e = e.fma(r, FloatVector.broadcast(S, 1f));
            IntVector bits = ((IntVector) sh.reinterpretAsInts()).sub(SHIFTER_BITS - 127)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector half = t.mul(e.mul((FloatVector) bits.reinterpretAsFloats())).mul(0.5f);
            VectorMask<Float> nonNegative = v.compare(VectorOperators.GE, 0f);
            FloatVector phi = half.blend(FloatVector.broadcast(S, 1f).sub(half), nonNegative);
            // The normal density exp(-v²/2)/√(2π), the same exp spelled out once more.
            xc = v.mul(v).mul(-0.5f).max(MIN_X).min(MAX_X);
            sh = xc.mul(LOG2E).add(SHIFTER);
            n = sh.sub(SHIFTER);
            r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
            r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
            e = FloatVector.broadcast(S, 1f / 5040f);
            e = e.fma(r, FloatVector.broadcast(S, 1f / 720f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 120f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 24f));
            e = e.fma(r, FloatVector.broadcast(S, 1f / 6f));
            e = e.fma(r, FloatVector.broadcast(S, 0.5f));
            e = e.fma(r, FloatVector.broadcast(S, 1f));
            e = e.fma(r, FloatVector.broadcast(S, 1f));
            bits = ((IntVector) sh.reinterpretAsInts()).sub(SHIFTER_BITS - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector pdf = e.mul((FloatVector) bits.reinterpretAsFloats()).mul(INV_SQRT_2PI);
            FloatVector local = v.fma(pdf, phi);
            FloatVector.fromArray(S, g, go + i).mul(local).intoArray(d, dO + i);
        }
        for (; i < to; i++) {
            double v = x[xo + i];
            double local = CpuGelu.phi(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
            d[dO + i] = (float) (g[go + i] * local);
        }
    }
}
