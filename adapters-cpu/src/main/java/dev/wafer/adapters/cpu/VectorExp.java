package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp} lane-wise from IEEE-exact operations only (multiply, add, fused multiply-add, bit moves).
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: compiled by C2 it calls an SVML routine, interpreted it calls
 * {@code Math.exp} per lane, and the two differ in the last bit for about 1% of inputs. A kernel's result then
 * depends on when the JIT compiled it, which breaks bit-for-bit reproducibility and exact resume. This version
 * gives the same bits in every execution mode: Cody-Waite reduction {@code x = n ln2 + r}, |r| <= ln2/2, a degree-7
 * Taylor polynomial (truncation error below 5e-9 relative, under float's 6e-8 epsilon), and {@code 2^n} built in
 * the exponent bits.
 */
final class VectorExp {
    private static final float LOG2E = 1.44269504f;
    private static final float LN2_HI = 0.693145751953125f;
    private static final float LN2_LO = 1.42860677e-6f;
    /** 1.5 x 2^23: adding it rounds to the nearest integer, which lands in the low mantissa bits. */
    private static final float SHIFTER = 0x1.8p23f;
    private static final int SHIFTER_BITS = 0x4B400000;
    /** Inputs are clamped so that n stays within the normal exponents [-126, 127]. */
    private static final float MIN_X = -87.0f;
    private static final float MAX_X = 88.0f;

    private VectorExp() {
    }

    /**
     * The species every caller uses, as a constant: the broadcasts then do not depend on C2 proving
     * {@code x.species()} constant (alone, this made no measurable difference; the boxing seen under GELU and the
     * softmaxes came from calls C2 did not inline, see {@link VectorGelu}).
     */
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /** {@code exp} lane-wise; {@code x} must be of {@link FloatVector#SPECIES_PREFERRED}. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(MIN_X).min(MAX_X);
        FloatVector t = xc.mul(LOG2E).add(SHIFTER);
        FloatVector n = t.sub(SHIFTER);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = FloatVector.broadcast(S, 1f / 5040f);
        p = p.fma(r, FloatVector.broadcast(S, 1f / 720f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 120f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 24f));
        p = p.fma(r, FloatVector.broadcast(S, 1f / 6f));
        p = p.fma(r, FloatVector.broadcast(S, 0.5f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        p = p.fma(r, FloatVector.broadcast(S, 1f));
        IntVector exponent = ((IntVector) t.reinterpretAsInts()).sub(SHIFTER_BITS - 127)
                .lanewise(VectorOperators.LSHL, 23);
        return p.mul((FloatVector) exponent.reinterpretAsFloats());
    }
}
