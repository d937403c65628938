package dev.wafer.adapters.cpu;

/**
 * Sums of float32 values in double over four interleaved partial sums, added in a fixed order at the end: one
 * running sum waits on the previous addition's latency at every element, four keep the adder busy (the LayerNorm
 * statistics and the gradient norm ran at that latency). The result depends only on the values and their count.
 */
final class DoubleSums {
    private DoubleSums() {
    }

    /** {@code Σ a[off + i]} for {@code i < n}. */
    static double sum(float[] a, int off, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i <= n - 4; i += 4) {
            s0 += a[off + i];
            s1 += a[off + i + 1];
            s2 += a[off + i + 2];
            s3 += a[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code Σ (a[off + i] - m)²} for {@code i < n}, in double. */
    static double squaredDeviations(float[] a, int off, int n, double m) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i <= n - 4; i += 4) {
            double d0 = a[off + i] - m;
            double d1 = a[off + i + 1] - m;
            double d2 = a[off + i + 2] - m;
            double d3 = a[off + i + 3] - m;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < n; i++) {
            double d = a[off + i] - m;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }
}
