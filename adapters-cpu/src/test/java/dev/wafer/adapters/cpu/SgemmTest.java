package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.support.Seeds;

/**
 * The Vector GEMM against plain double loops, for every transpose combination and for sizes that cross each
 * blocking boundary (MC rows, KC depth, NC columns) with ragged edges.
 */
class SgemmTest {
    @Test
    void vectorGemmMatchesDoubleLoopsAcrossBlockBoundaries() {
        long seed = Seeds.forTest("vectorGemmMatchesDoubleLoopsAcrossBlockBoundaries");
        Random rnd = new Random(seed);
        try (Parallel par = new Parallel(2)) {
            Sgemm[] impls = {new VectorSgemm(par), new ScalarSgemm(par)};
            int[][] shapes = {{1, 1, 1}, {9, 33, 17}, {VectorSgemm.MC + 3, VectorSgemm.NC + 5, VectorSgemm.KC + 7}};
            for (Sgemm g : impls) {
                for (int[] s : shapes) {
                    for (int variant = 0; variant < 8; variant++) {
                        boolean ta = (variant & 1) != 0;
                        boolean tb = (variant & 2) != 0;
                        boolean acc = (variant & 4) != 0;
                        check(g, rnd, seed, s[0], s[1], s[2], ta, tb, acc);
                    }
                }
            }
        }
    }

    private static void check(Sgemm g, Random rnd, long seed, int m, int n, int k, boolean ta, boolean tb,
                              boolean acc) {
        int aOff = 3;
        int bOff = 5;
        int cOff = 7;
        int lda = (ta ? m : k) + 2;
        int ldb = (tb ? k : n) + 1;
        int ldc = n + 3;
        float[] a = random(rnd, aOff + (ta ? k : m) * lda);
        float[] b = random(rnd, bOff + (tb ? n : k) * ldb);
        float[] c = random(rnd, cOff + m * ldc);
        float[] c0 = c.clone();
        g.gemm(ta, tb, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = acc ? c0[cOff + i * ldc + j] : 0;
                for (int p = 0; p < k; p++) {
                    double av = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double bv = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                assertEquals(s, c[cOff + i * ldc + j], 1e-4 * Math.sqrt(k + 1),
                        () -> g.describe() + " m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                                + " acc=" + acc + " seed " + seed);
            }
            // Padding between rows of C is never touched.
            for (int j = n; j < ldc && cOff + i * ldc + j < c.length; j++) {
                assertEquals(c0[cOff + i * ldc + j], c[cOff + i * ldc + j], "padding changed, seed " + seed);
            }
        }
    }

    private static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }
}
