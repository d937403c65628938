package dev.wafer.conformance.collective;

import static dev.wafer.conformance.collective.Contributions.DOUBLE_SENTINEL;
import static dev.wafer.conformance.collective.Contributions.FLOAT_SENTINEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;

import dev.wafer.conformance.collective.Contributions.Range;
import dev.wafer.ports.collective.Collective;

/** {@code allReduceSum}: element-wise sums over the ranks, only inside the range, the same bits everywhere. */
final class AllReduceChecks {
    private AllReduceChecks() {
    }

    /** Floats: the range holds the element-wise sum over the ranks (exact inputs, so exact sums); the rest is kept. */
    static void floatSumIsElementWise(Collective c, long seed) {
        Range range = Range.of(seed, 3000);
        float[] values = range.around(Contributions.exactFloats(seed, c.rank(), range.count()));
        c.allReduceSum(values, range.offset(), range.count());
        float[] expected = new float[range.count()];
        for (int r = 0; r < c.size(); r++) {
            float[] theirs = Contributions.exactFloats(seed, r, range.count());
            for (int i = 0; i < expected.length; i++) {
                expected[i] += theirs[i];
            }
        }
        assertArrayEquals(range.around(expected), values, "float sums over " + c.size() + " ranks in " + range
                + " (" + FLOAT_SENTINEL + " outside the range must stay)");
    }

    /** Doubles: the range holds the element-wise sum over the ranks (exact inputs, so exact sums); the rest is kept. */
    static void doubleSumIsElementWise(Collective c, long seed) {
        Range range = Range.of(seed, 3000);
        double[] values = range.around(Contributions.exactDoubles(seed, c.rank(), range.count()));
        c.allReduceSum(values, range.offset(), range.count());
        double[] expected = new double[range.count()];
        for (int r = 0; r < c.size(); r++) {
            double[] theirs = Contributions.exactDoubles(seed, r, range.count());
            for (int i = 0; i < expected.length; i++) {
                expected[i] += theirs[i];
            }
        }
        assertArrayEquals(range.around(expected), values, "double sums over " + c.size() + " ranks in " + range
                + " (" + DOUBLE_SENTINEL + " outside the range must stay)");
    }

    /**
     * Sums that round: every rank receives the same bits, the same call gives the same bits again, and each sum is
     * within the rounding of size - 1 additions of the exact one (the correctly rounded sum for two ranks).
     */
    static void everyRankReceivesTheSameBitsEveryTime(Collective c, long seed) {
        int n = Range.of(seed, 5000).count();
        float[] mine = Contributions.floats(seed, c.rank(), n);
        double[] mineD = Contributions.doubles(seed, c.rank(), n);
        float[] first = mine.clone();
        c.allReduceSum(first, 0, n);
        float[] again = mine.clone();
        c.allReduceSum(again, 0, n);
        double[] firstD = mineD.clone();
        c.allReduceSum(firstD, 0, n);
        double[] againD = mineD.clone();
        c.allReduceSum(againD, 0, n);
        double[] digests = new double[2 * c.size()];
        digests[2 * c.rank()] = Arrays.hashCode(first);
        digests[2 * c.rank() + 1] = Arrays.hashCode(firstD);
        c.allReduceSum(digests, 0, digests.length);

        assertArrayEquals(first, again, "floats: the same call twice");
        assertArrayEquals(firstD, againD, "doubles: the same call twice");
        for (int r = 0; r < c.size(); r++) {
            assertEquals(Arrays.hashCode(first), digests[2 * r], "digest of rank " + r + "'s float sums vs mine");
            assertEquals(Arrays.hashCode(firstD), digests[2 * r + 1], "digest of rank " + r + "'s double sums vs mine");
        }
        RoundedSums.check(c.size(), seed, n, first, firstD);
    }

    /**
     * A slot that one rank fills while the others hold zero arrives exactly ({@code x + 0 == x}): how the domain
     * gathers per-micro-batch losses and per-rank flags.
     */
    static void oneRanksValueArrivesExactly(Collective c, long seed) {
        int n = 3 * c.size();
        double[] slots = new double[n];
        float[] floatSlots = new float[n];
        double[] mine = Contributions.doubles(seed, c.rank(), n);
        float[] mineF = Contributions.floats(seed, c.rank(), n);
        for (int i = c.rank(); i < n; i += c.size()) {
            slots[i] = mine[i];
            floatSlots[i] = mineF[i];
        }
        c.allReduceSum(slots, 0, n);
        c.allReduceSum(floatSlots, 0, n);
        for (int i = 0; i < n; i++) {
            int owner = i % c.size();
            assertEquals(Contributions.doubles(seed, owner, n)[i], slots[i], "double slot " + i + " of rank " + owner);
            assertEquals(Contributions.floats(seed, owner, n)[i], floatSlots[i], "float slot " + i + " of rank " + owner);
        }
    }

    /** A call of count 0 (at the end of the array too) changes nothing. */
    static void zeroCountChangesNothing(Collective c, long seed) {
        float[] f = {1, 2, 3};
        double[] d = {1, 2, 3};
        c.allReduceSum(f, 1, 0);
        c.allReduceSum(f, 3, 0);
        c.allReduceSum(d, 0, 0);
        c.allReduceSum(d, 3, 0);
        assertArrayEquals(new float[] {1, 2, 3}, f);
        assertArrayEquals(new double[] {1, 2, 3}, d);
    }

    /** A large call, then small ones of the other type, then a middle one: each correct (buffers grow and are reused). */
    static void callsOfEveryLengthAndTypeInterleave(Collective c, long seed) {
        int[] lengths = {1 << 20, 3, 1, 70_001};
        float[][] floats = new float[lengths.length][];
        double[][] doubles = new double[lengths.length][];
        for (int k = 0; k < lengths.length; k++) {
            floats[k] = Contributions.exactFloats(seed + k, c.rank(), lengths[k]);
            doubles[k] = Contributions.exactDoubles(seed + k, c.rank(), lengths[k] / 2 + 1);
            c.allReduceSum(floats[k], 0, floats[k].length);
            c.allReduceSum(doubles[k], 0, doubles[k].length);
        }
        for (int k = 0; k < lengths.length; k++) {
            float[] f = new float[floats[k].length];
            double[] d = new double[doubles[k].length];
            for (int r = 0; r < c.size(); r++) {
                float[] tf = Contributions.exactFloats(seed + k, r, f.length);
                double[] td = Contributions.exactDoubles(seed + k, r, d.length);
                for (int i = 0; i < f.length; i++) {
                    f[i] += tf[i];
                }
                for (int i = 0; i < d.length; i++) {
                    d[i] += td[i];
                }
            }
            assertArrayEquals(f, floats[k], "float call " + k + " of " + f.length);
            assertArrayEquals(d, doubles[k], "double call " + k + " of " + d.length);
        }
    }
}
