package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.ports.collective.Collective;

/** Who takes part: ranks and size, and the one-line description. */
final class MembershipChecks {
    private MembershipChecks() {
    }

    /** {@code 0 <= rank < size}, each rank held by exactly one process, and every rank states the same size. */
    static void ranksCoverTheRun(Collective c, long seed) {
        int size = c.size();
        int rank = c.rank();
        double[] seen = new double[Math.max(size, 0) + 1];
        if (rank >= 0 && rank < size) {
            seen[rank] = 1;
        }
        seen[seen.length - 1] = size;
        c.allReduceSum(seen, 0, seen.length);
        assertTrue(size >= 1, "size " + size);
        assertTrue(rank >= 0 && rank < size, "rank " + rank + " of " + size);
        for (int r = 0; r < size; r++) {
            assertEquals(1.0, seen[r], "processes holding rank " + r);
        }
        assertEquals((double) size * size, seen[size], "the sum of the sizes every rank states");
    }

    /** A short description for reports: one non-blank line. */
    static void descriptionIsOneLine(Collective c, long seed) {
        String d = c.description();
        assertTrue(d != null && !d.isBlank(), "description '" + d + "'");
        assertFalse(d.contains("\n"), "description of one line: '" + d + "'");
    }
}
