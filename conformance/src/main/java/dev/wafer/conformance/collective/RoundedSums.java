package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rounded sums over the ranks against the exact ones: within the rounding of size - 1 additions, and for two ranks
 * the correctly rounded sum (one addition rounds once, in either order).
 */
final class RoundedSums {
    private RoundedSums() {
    }

    /** Checks {@code sums} and {@code sumsD}, the sums over {@code size} ranks of the seeded floats and doubles. */
    static void check(int size, long seed, int n, float[] sums, double[] sumsD) {
        double[] exact = new double[n];
        double[] magnitude = new double[n];
        double[] exactD = new double[n];
        double[] magnitudeD = new double[n];
        float[] first = Contributions.floats(seed, 0, n);
        float[] second = size == 2 ? Contributions.floats(seed, 1, n) : null;
        for (int r = 0; r < size; r++) {
            float[] f = Contributions.floats(seed, r, n);
            double[] d = Contributions.doubles(seed, r, n);
            for (int i = 0; i < n; i++) {
                exact[i] += f[i];
                magnitude[i] += Math.abs(f[i]);
                exactD[i] += d[i];
                magnitudeD[i] += Math.abs(d[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            // Each of the size - 1 additions rounds by at most half an ulp of a partial sum <= the magnitude.
            double bound = (size - 1) * 0x1p-24 * magnitude[i];
            assertTrue(Math.abs(sums[i] - exact[i]) <= bound, "float sum " + i + ": " + sums[i] + " vs exact "
                    + exact[i] + " (bound " + bound + ")");
            // The reference sum of doubles rounds too: twice the bound.
            double boundD = 2 * (size - 1) * 0x1p-53 * magnitudeD[i];
            assertTrue(Math.abs(sumsD[i] - exactD[i]) <= boundD, "double sum " + i + ": " + sumsD[i]
                    + " vs " + exactD[i] + " (bound " + boundD + ")");
            if (second != null) {
                assertEquals(first[i] + second[i], sums[i], "float sum " + i + " of two ranks, correctly rounded");
            }
        }
    }
}
