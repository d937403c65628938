package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * One row of the cross-entropy softmax on the Vector API: exp from {@link VectorExp}, the normaliser summed in
 * float lanes over blocks of {@link #BLOCK} elements whose lane sums are added into a double in a fixed order, so
 * the result is the same compiled or interpreted. Loaded only when the incubator module is present.
 */
final class VectorSoftmax {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Elements per float partial sum before it is folded into the double total (64 terms per lane). */
    private static final int BLOCK = 64 * L;

    private VectorSoftmax() {
    }

    /**
     * Writes {@code p[po + j] = softmax(scale·z[zo + ...])_j} for {@code j < v} ({@code p} may alias {@code z}) and
     * returns the row loss {@code log Σ exp(scale·z - max) - (scale·z[target] - max)}. {@code tmp} holds L floats.
     */
    static float row(float[] z, int zo, float[] p, int po, int v, int target, float scale, float[] tmp) {
        // Three passes, each a method of its own with arrays in and out: as one method, C2 left some of its vector
        // operations un-inlined and boxed them (JFR samples in lanewiseTemplate under this method).
        float max = maxScaled(z, zo, v, scale, tmp);
        float targetLogit = scale * z[zo + target]; // read before an aliased write overwrites it
        double sum = expAndSum(z, zo, p, po, v, scale, max, tmp);
        float inv = (float) (1.0 / sum);
        scaleInPlace(p, po, v, inv);
        return (float) (Math.log(sum) - (targetLogit - max));
    }

    /** {@code max_j scale·z[zo + j]} over {@code j < v}. */
    private static float maxScaled(float[] z, int zo, int v, float scale, float[] tmp) {
        FloatVector neg = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        FloatVector vmax = neg;
        int body = v - v % L;
        for (int j = 0; j < body; j += L) {
            vmax = vmax.max(FloatVector.fromArray(S, z, zo + j).mul(scale));
        }
        if (body < v) {
            VectorMask<Float> m = S.indexInRange(body, v);
            vmax = vmax.max(neg.blend(FloatVector.fromArray(S, z, zo + body, m).mul(scale), m));
        }
        vmax.intoArray(tmp, 0);
        float max = Float.NEGATIVE_INFINITY;
        for (int l = 0; l < L; l++) {
            max = Math.max(max, tmp[l]);
        }
        return max;
    }

    /** {@code p[po + j] = exp(scale·z[zo + j] - max)}; returns their sum, float blocks added in double. */
    private static double expAndSum(float[] z, int zo, float[] p, int po, int v, float scale, float max,
                                    float[] tmp) {
        int body = v - v % L;
        double sum = 0;
        FloatVector zero = FloatVector.zero(S);
        for (int j0 = 0; j0 < body; j0 += BLOCK) {
            int end = Math.min(body, j0 + BLOCK);
            FloatVector acc = zero;
            for (int j = j0; j < end; j += L) {
                FloatVector e = VectorExp.exp(FloatVector.fromArray(S, z, zo + j).mul(scale).sub(max));
                e.intoArray(p, po + j);
                acc = acc.add(e);
            }
            sum += lanes(acc, tmp);
        }
        if (body < v) {
            VectorMask<Float> m = S.indexInRange(body, v);
            FloatVector e = VectorExp.exp(FloatVector.fromArray(S, z, zo + body, m).mul(scale).sub(max));
            e = zero.blend(e, m);
            e.intoArray(p, po + body, m);
            sum += lanes(e, tmp);
        }
        return sum;
    }

    /** {@code p[po + j] *= inv} for {@code j < v}. */
    private static void scaleInPlace(float[] p, int po, int v, float inv) {
        int body = v - v % L;
        for (int j = 0; j < body; j += L) {
            FloatVector.fromArray(S, p, po + j).mul(inv).intoArray(p, po + j);
        }
        for (int j = body; j < v; j++) {
            p[po + j] *= inv;
        }
    }

    /** Lane sum in a fixed order, in double. */
    private static double lanes(FloatVector acc, float[] tmp) {
        acc.intoArray(tmp, 0);
        double s = 0;
        for (int l = 0; l < L; l++) {
            s += tmp[l];
        }
        return s;
    }
}
