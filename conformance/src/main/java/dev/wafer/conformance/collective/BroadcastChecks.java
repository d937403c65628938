package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wafer.conformance.collective.Contributions.Range;
import dev.wafer.ports.collective.Collective;

/** {@code broadcast}: the root's values reach every rank bit for bit, inside the range only. */
final class BroadcastChecks {
    /** Values whose bits a copy must keep: signed zero, infinities, NaN, the extremes, a hash as the domain sends. */
    private static final double[] SPECIAL = {-0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN,
        Double.MIN_VALUE, Double.MAX_VALUE, -1_234_567_891.0};

    private BroadcastChecks() {
    }

    /** From every root in turn: every rank ends with the root's values in the range and its own outside it. */
    static void everyRootsValuesReachEveryRank(Collective c, long seed) {
        Range range = Range.of(seed, 500);
        double[][] received = new double[c.size()][];
        for (int root = 0; root < c.size(); root++) {
            received[root] = range.around(values(seed, c.rank(), range.count()));
            c.broadcast(received[root], range.offset(), range.count(), root);
        }
        for (int root = 0; root < c.size(); root++) {
            double[] expected = range.around(values(seed, root, range.count()));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(received[root][i]),
                        "element " + i + " of " + range + " from root " + root + ": expected " + expected[i]
                                + ", got " + received[root][i]);
            }
        }
    }

    /** The seeded values of {@code rank}, starting with the special ones. */
    private static double[] values(long seed, int rank, int n) {
        double[] v = Contributions.doubles(seed, rank, n);
        System.arraycopy(SPECIAL, 0, v, 0, Math.min(n, SPECIAL.length));
        if (n > SPECIAL.length) {
            v[SPECIAL.length] = rank;
        }
        return v;
    }
}
