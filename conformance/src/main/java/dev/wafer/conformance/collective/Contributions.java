package dev.wafer.conformance.collective;

import java.util.SplittableRandom;

/**
 * What each rank contributes to a check: values drawn from the check's seed and the rank, so that every rank can
 * compute every other rank's values and so the expected result.
 */
final class Contributions {
    /** Sentinel around a call's range: values there must come back unchanged. */
    static final float FLOAT_SENTINEL = -7.25f;
    static final double DOUBLE_SENTINEL = -7.25;

    private Contributions() {
    }

    private static SplittableRandom of(long seed, int rank) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (rank + 1)));
    }

    /**
     * Multiples of 1/64 below 2^14 in magnitude: sums over up to 16 ranks are exact in float in any order, so the
     * expected sum is exact whatever order an implementation adds in.
     */
    static float[] exactFloats(long seed, int rank, int n) {
        SplittableRandom r = of(seed, rank);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(-(1 << 20), 1 << 20) / 64f;
        }
        return a;
    }

    /** Multiples of 1/1024 below 2^30 in magnitude: sums over up to 2^12 ranks are exact in double in any order. */
    static double[] exactDoubles(long seed, int rank, int n) {
        SplittableRandom r = of(seed, rank);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextLong(-(1L << 40), 1L << 40) / 1024.0;
        }
        return a;
    }

    /** Floats of every magnitude from 1e-3 to 1e3, either sign: sums of them round. */
    static float[] floats(long seed, int rank, int n) {
        SplittableRandom r = of(seed, rank);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextDouble(-3, 3)));
        }
        return a;
    }

    /** Doubles of every magnitude from 1e-3 to 1e3, either sign: sums of them round. */
    static double[] doubles(long seed, int rank, int n) {
        SplittableRandom r = of(seed, rank);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = (r.nextBoolean() ? 1 : -1) * Math.pow(10, r.nextDouble(-3, 3));
        }
        return a;
    }

    /** A range's shape for a check: count in [1, maxCount], offset in [0, 4], a tail of 1 to 4 elements. */
    record Range(int offset, int count, int tail) {
        static Range of(long seed, int maxCount) {
            SplittableRandom r = new SplittableRandom(seed);
            return new Range(r.nextInt(5), 1 + r.nextInt(maxCount), 1 + r.nextInt(4));
        }

        int length() {
            return offset + count + tail;
        }

        /** {@code values} placed at the offset of an array whose other elements are the sentinel. */
        float[] around(float[] values) {
            float[] a = new float[length()];
            java.util.Arrays.fill(a, FLOAT_SENTINEL);
            System.arraycopy(values, 0, a, offset, count);
            return a;
        }

        double[] around(double[] values) {
            double[] a = new double[length()];
            java.util.Arrays.fill(a, DOUBLE_SENTINEL);
            System.arraycopy(values, 0, a, offset, count);
            return a;
        }
    }
}
