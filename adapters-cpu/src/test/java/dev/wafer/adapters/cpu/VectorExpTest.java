package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

class VectorExpTest {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static float[] inputs(long seed, int n) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble(-87, 88));
        }
        return x;
    }

    private static void run(float[] in, float[] out) {
        for (int i = 0; i < in.length; i += S.length()) {
            VectorExp.exp(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    @Test
    void withinTwoUlpOfTheCorrectlyRoundedExp() {
        long seed = 42;
        float[] x = inputs(seed, S.length() * 4096);
        float[] y = new float[x.length];
        run(x, y);
        for (int i = 0; i < x.length; i++) {
            float exact = (float) StrictMath.exp(x[i]);
            assertTrue(Math.abs(y[i] - exact) <= 2 * Math.ulp(exact),
                    "seed " + seed + ": exp(" + x[i] + ") = " + y[i] + ", expected " + exact);
        }
    }

    /** The property the SVML intrinsic lacks: the first, interpreted call gives the bits of the compiled ones. */
    @Test
    void sameBitsBeforeAndAfterJitCompilation() {
        float[] x = inputs(7, S.length() * 4096);
        float[] first = new float[x.length];
        run(x, first);
        float[] later = new float[x.length];
        for (int k = 0; k < 3000; k++) {
            run(x, later);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(first[i]), Float.floatToRawIntBits(later[i]), "exp(" + x[i] + ")");
        }
    }
}
