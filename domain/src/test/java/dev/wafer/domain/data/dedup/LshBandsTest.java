package dev.wafer.domain.data.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** LSH banding makes pairs candidates with the S-curve's probability. */
class LshBandsTest {
    private static final long SEED = 424242L;

    @Test
    void candidateRateFollowsTheSCurve() {
        SplittableRandom r = new SplittableRandom(SEED);
        MinHasher hasher = new MinHasher();
        LshBands bands = new LshBands();
        int size = 200;
        int pairs = 600;
        for (double s : new double[] {0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}) {
            // Sets of `size` elements sharing c: Jaccard c / (2 size - c).
            int common = (int) Math.round(2 * size * s / (1 + s));
            double jaccard = (double) common / (2 * size - common);
            int candidates = 0;
            for (int p = 0; p < pairs; p++) {
                long[] a = new long[size];
                long[] b = new long[size];
                for (int i = 0; i < size; i++) {
                    a[i] = r.nextLong();
                    b[i] = i < common ? a[i] : r.nextLong();
                }
                long[] ka = bands.keys(hasher.signatureOf(a));
                long[] kb = bands.keys(hasher.signatureOf(b));
                boolean shared = false;
                for (int i = 0; i < ka.length; i++) {
                    shared |= ka[i] == kb[i];
                }
                candidates += shared ? 1 : 0;
            }
            double expected = DedupSettings.candidateProbability(jaccard);
            double observed = (double) candidates / pairs;
            // Binomial(600, p): five standard errors, plus 0.01 for the shared min-hash functions across pairs.
            double bound = 5 * Math.sqrt(expected * (1 - expected) / pairs) + 0.01;
            assertTrue(Math.abs(observed - expected) <= bound, "seed " + SEED + ": Jaccard " + jaccard
                    + ": candidates " + observed + ", S-curve " + expected + ", bound " + bound);
        }
    }

    @Test
    void theSCurveIsSteepBelowTheDefaultThreshold() {
        assertTrue(DedupSettings.candidateProbability(DedupSettings.DEFAULT_THRESHOLD) > 0.99);
        assertTrue(DedupSettings.candidateProbability(0.3) < 0.02);
        assertEquals(120, DedupSettings.PERMUTATIONS);
    }

    @Test
    void bandKeysDependOnTheBandIndex() {
        int[] signature = new int[DedupSettings.PERMUTATIONS];
        long[] keys = new LshBands().keys(signature);
        assertEquals(DedupSettings.BANDS, Arrays.stream(keys).distinct().count(),
                "equal rows in two bands must not make equal keys");
    }
}
