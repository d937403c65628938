package dev.wafer.conformance.collective;

import static dev.wafer.conformance.collective.Contributions.FLOAT_SENTINEL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.wafer.conformance.collective.Contributions.Range;
import dev.wafer.ports.collective.Collective;

/**
 * {@code reduceScatterSum} and {@code allGather}: each rank's block of the sum, every rank's block everywhere, nothing
 * outside the blocks touched. Together they are an all-reduce, which the last check holds them to, bit for bit.
 */
final class ScatterGatherChecks {
    private ScatterGatherChecks() {
    }

    /**
     * Exact inputs (so exact sums in any order): this rank's block holds the block's sum over the ranks; the other
     * blocks keep this rank's own inputs; the sentinel around the blocks stays.
     */
    static void reduceScatterGivesEachRankItsBlockOfTheSum(Collective c, long seed) {
        Range range = Range.of(seed, 1000);
        int n = c.size() * range.count();
        float[] values = around(range, Contributions.exactFloats(seed, c.rank(), n), n);
        c.reduceScatterSum(values, range.offset(), range.count());
        float[] expected = Contributions.exactFloats(seed, c.rank(), n);
        int mine = c.rank() * range.count();
        Arrays.fill(expected, mine, mine + range.count(), 0f);
        for (int r = 0; r < c.size(); r++) {
            float[] theirs = Contributions.exactFloats(seed, r, n);
            for (int i = mine; i < mine + range.count(); i++) {
                expected[i] += theirs[i];
            }
        }
        assertArrayEquals(around(range, expected, n), values, "reduce-scatter over " + c.size() + " ranks of "
                + range.count() + " floats each at offset " + range.offset() + " (" + FLOAT_SENTINEL
                + " outside the blocks must stay)");
    }

    /** Every block arrives bit for bit (signed zero, infinities, NaN included); the sentinel around them stays. */
    static void allGatherCopiesEveryRanksBlockExactly(Collective c, long seed) {
        Range range = Range.of(seed, 1000);
        int n = c.size() * range.count();
        float[] values = new float[range.length() + n - range.count()];
        Arrays.fill(values, FLOAT_SENTINEL);
        System.arraycopy(block(seed, c.rank(), range.count()), 0, values, range.offset() + c.rank() * range.count(),
                range.count());
        c.allGather(values, range.offset(), range.count());
        float[] expected = new float[values.length];
        Arrays.fill(expected, FLOAT_SENTINEL);
        for (int r = 0; r < c.size(); r++) {
            System.arraycopy(block(seed, r, range.count()), 0, expected, range.offset() + r * range.count(),
                    range.count());
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(values[i]), "element " + i
                    + " of an all-gather of " + range.count() + " floats per rank at offset " + range.offset()
                    + ": expected " + expected[i] + ", got " + values[i]);
        }
    }

    /**
     * Sums that round: reduce-scatter then all-gather gives every rank the same bits as {@code allReduceSum} of the
     * same values (what lets a sharded optimizer step match the unsharded one), over several calls of other lengths.
     */
    static void reduceScatterThenAllGatherIsTheAllReduce(Collective c, long seed) {
        List<String> differences = new ArrayList<>();
        for (int count : new int[] {1, 7, 70_001, 3}) {
            int n = c.size() * count;
            float[] mine = Contributions.floats(seed + count, c.rank(), n);
            float[] reduced = mine.clone();
            c.allReduceSum(reduced, 0, n);
            float[] sharded = mine.clone();
            c.reduceScatterSum(sharded, 0, count);
            c.allGather(sharded, 0, count);
            if (!Arrays.equals(reduced, sharded)) {
                differences.add(count + " per rank");
            }
        }
        assertEquals(List.of(), differences, "reduce-scatter + all-gather differs from all-reduce for");
    }

    /** A call of count 0 (at the end of the array too) changes nothing. */
    static void zeroCountChangesNothing(Collective c, long seed) {
        float[] f = {1, 2, 3};
        c.reduceScatterSum(f, 1, 0);
        c.allGather(f, 3, 0);
        assertArrayEquals(new float[] {1, 2, 3}, f);
    }

    /** Seeded values for {@code rank}'s block, starting with values whose bits a copy must keep. */
    private static float[] block(long seed, int rank, int n) {
        float[] v = Contributions.floats(seed, rank, n);
        float[] special = {-0.0f, Float.POSITIVE_INFINITY, Float.NaN, Float.MIN_VALUE, rank};
        System.arraycopy(special, 0, v, 0, Math.min(n, special.length));
        return v;
    }

    private static float[] around(Range range, float[] blocks, int n) {
        float[] a = new float[range.offset() + n + range.tail()];
        Arrays.fill(a, FLOAT_SENTINEL);
        System.arraycopy(blocks, 0, a, range.offset(), n);
        return a;
    }
}
