package dev.wafer.conformance.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import dev.wafer.ports.collective.Collective;

/** Ranges outside the array, and roots that are not ranks, are refused before anything is sent. */
final class RangeChecks {
    private RangeChecks() {
    }

    /**
     * Each bad call throws {@link IndexOutOfBoundsException} and leaves the arrays alone; afterwards the ranks are
     * still in step (a sum of ones gives the size), so no rank sent anything.
     */
    static void badRangesAreRefusedBeforeCommunicating(Collective c, long seed) {
        float[] f = new float[8];
        double[] d = new double[8];
        int size = c.size();
        List<String> accepted = new ArrayList<>();
        refused(accepted, "allReduceSum(float[8], -1, 2)", () -> c.allReduceSum(f, -1, 2));
        refused(accepted, "allReduceSum(float[8], 7, 2)", () -> c.allReduceSum(f, 7, 2));
        refused(accepted, "allReduceSum(float[8], 0, -1)", () -> c.allReduceSum(f, 0, -1));
        refused(accepted, "allReduceSum(double[8], 9, 0)", () -> c.allReduceSum(d, 9, 0));
        refused(accepted, "allReduceSum(double[8], 0, 9)", () -> c.allReduceSum(d, 0, 9));
        refused(accepted, "broadcast(double[8], 4, 5, 0)", () -> c.broadcast(d, 4, 5, 0));
        refused(accepted, "broadcast(double[8], 0, 1, -1)", () -> c.broadcast(d, 0, 1, -1));
        refused(accepted, "broadcast(double[8], 0, 1, size)", () -> c.broadcast(d, 0, 1, size));
        refused(accepted, "reduceScatterSum(float[8], 0, 8/size + 1)", () -> c.reduceScatterSum(f, 0, 8 / size + 1));
        refused(accepted, "reduceScatterSum(float[8], -1, 1)", () -> c.reduceScatterSum(f, -1, 1));
        refused(accepted, "reduceScatterSum(float[8], 0, -1)", () -> c.reduceScatterSum(f, 0, -1));
        refused(accepted, "allGather(float[8], 8 - size + 1, 1)", () -> c.allGather(f, 8 - size + 1, 1));
        refused(accepted, "allGather(float[8], 0, 8/size + 1)", () -> c.allGather(f, 0, 8 / size + 1));
        double[] ones = {1};
        c.allReduceSum(ones, 0, 1);
        assertEquals(List.of(), accepted, "calls that should have thrown IndexOutOfBoundsException");
        assertArrayEquals(new float[8], f, "floats after refused calls");
        assertArrayEquals(new double[8], d, "doubles after refused calls");
        assertEquals(size, ones[0], "a sum of ones after the refused calls: ranks still in step");
    }

    private static void refused(List<String> accepted, String call, Runnable r) {
        try {
            r.run();
            accepted.add(call);
        } catch (IndexOutOfBoundsException expected) {
            // refused, as documented
        }
    }
}
