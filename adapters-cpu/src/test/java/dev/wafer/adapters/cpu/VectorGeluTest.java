package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * The GELU backward that computes Φ chunk by chunk through scratch gives the bits of the one-loop formula
 * {@code g·fma(x, pdf(x), Φ(x))} over several chunks, a partial chunk and a scalar tail, with {@code d} aliasing
 * {@code g} as the model calls it.
 */
class VectorGeluTest {
    private static final long SEED = 20261204L;
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** The kernel's constant: 1/sqrt(2 pi) rounded to float. */
    private static final float INV_SQRT_2PI = (float) (1.0 / Math.sqrt(2.0 * Math.PI));

    @Test
    void chunkedBackwardMatchesTheOneLoopFormulaBitForBit() {
        int n = 3 * VectorGelu.CHUNK + 5 * S.length() + 3;
        SplittableRandom random = new SplittableRandom(SEED);
        float[] x = new float[n + 2];
        float[] g = new float[n + 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (4 * random.nextGaussian());
            g[i] = (float) random.nextGaussian();
        }
        float[] expected = new float[n];
        int i = 0;
        for (; i <= n - S.length(); i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, 1 + i);
            FloatVector pdf = VectorExp.exp(v.mul(v).mul(-0.5f)).mul(INV_SQRT_2PI);
            FloatVector.fromArray(S, g, 2 + i).mul(v.fma(pdf, VectorGelu.phi(v))).intoArray(expected, i);
        }
        for (; i < n; i++) {
            double v = x[1 + i];
            double local = CpuGelu.phi(v) + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI;
            expected[i] = (float) (g[2 + i] * local);
        }
        float[] d = g; // in place, as GptModel's backward calls it
        VectorGelu.backward(d, 2, x, 1, g, 2, 0, n, new float[VectorGelu.CHUNK]);
        for (int j = 0; j < n; j++) {
            assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(d[2 + j]),
                    "element " + j + " (seed " + SEED + ")");
        }
    }
}
