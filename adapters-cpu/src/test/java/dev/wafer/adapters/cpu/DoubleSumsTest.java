package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The interleaved double sums against exact decimal arithmetic, at every length around the four-way unrolling
 * (tails of 0-3) and at a LayerNorm row's 768: within the rounding of a double sum of n terms.
 */
class DoubleSumsTest {
    private static final long SEED = 20261205L;

    @Test
    void sumsAreExactUpToDoubleRounding() {
        SplittableRandom r = new SplittableRandom(SEED);
        for (int n : new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 768, 3072}) {
            int off = 3;
            float[] a = new float[off + n];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (r.nextGaussian() * 3 + 0.5);
            }
            double m = 0.25;
            BigDecimal sum = BigDecimal.ZERO;
            BigDecimal squares = BigDecimal.ZERO;
            BigDecimal abs = BigDecimal.ZERO;
            for (int i = off; i < off + n; i++) {
                BigDecimal v = new BigDecimal(a[i]);
                sum = sum.add(v);
                abs = abs.add(v.abs());
                // The deviation as the code forms it: a float widened, minus m, rounded to double.
                BigDecimal d = new BigDecimal((double) a[i] - m);
                squares = squares.add(d.multiply(d));
            }
            double bound = (n + 1) * Math.ulp(1.0);
            String what = "n " + n + " (seed " + SEED + ")";
            assertEquals(sum.doubleValue(), DoubleSums.sum(a, off, n), bound * abs.doubleValue() + 1e-300, what);
            assertEquals(squares.round(MathContext.DECIMAL64).doubleValue(), DoubleSums.squaredDeviations(a, off, n, m),
                    2 * bound * squares.doubleValue() + 1e-300, what);
        }
    }
}
