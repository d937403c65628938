package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
            int[][] shapes = {{1, 1, 1}, {9, 33, 17}, {VectorSgemm.MC + 3, VectorSgemm.NC + 5, VectorSgemm.KC + 7},
                    {3, 8 * 37 + 5, VectorSgemm.KC + 13}, {VectorSgemm.MR, 64, 40}};
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

    /**
     * A row of C is the same bits whatever the number of rows multiplied with it: few rows of a linear layer's
     * forward (B transposed) take {@link NarrowProduct}, many take the packed GEMM, and decoding one position must give
     * the logits that the same position gets in a batch. Ragged depth (k not a multiple of 8), two slabs, columns not
     * a multiple of 8, both layouts of A, with and without accumulation.
     */
    @Test
    void aRowOfTheProductDoesNotDependOnHowManyRowsAreMultiplied() {
        long seed = Seeds.forTest("aRowOfTheProductDoesNotDependOnHowManyRowsAreMultiplied");
        Random rnd = new Random(seed);
        try (Parallel par = new Parallel(2)) {
            Sgemm g = new VectorSgemm(par);
            int rows = 2 * VectorSgemm.MC + 5;
            for (int[] nk : new int[][] {{8 * 41 + 3, VectorSgemm.KC + 13}, {8 * 3, 29}, {5, 7}}) {
                int n = nk[0];
                int k = nk[1];
                for (int variant = 0; variant < 8; variant++) {
                    boolean ta = (variant & 1) != 0;
                    boolean tb = (variant & 2) != 0;
                    boolean acc = (variant & 4) != 0;
                    int lda = ta ? rows : k;
                    float[] a = random(rnd, rows * k);
                    float[] b = random(rnd, n * k);
                    float[] c0 = random(rnd, rows * n);
                    float[] all = c0.clone();
                    g.gemm(ta, tb, rows, n, k, a, 0, lda, b, 0, tb ? k : n, all, 0, n, acc);
                    for (int m = 1; m <= VectorSgemm.MR; m++) {
                        float[] few = c0.clone();
                        g.gemm(ta, tb, m, n, k, a, 0, lda, b, 0, tb ? k : n, few, 0, n, acc);
                        for (int i = 0; i < m * n; i++) {
                            if (Float.floatToRawIntBits(few[i]) != Float.floatToRawIntBits(all[i])) {
                                throw new AssertionError("m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                                        + " acc=" + acc + ": element (" + i / n + ", " + i % n + ") is " + few[i]
                                        + " alone but " + all[i] + " among " + rows + " rows, seed " + seed);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Row blocks are whole tiles of at most MC rows, and the workers' shares of them (as {@link Parallel} splits a
     * range) differ by little more than the rounding to tiles: no worker idles while another does most of the rows.
     */
    @Test
    void rowBlocksShareTheRowsEvenlyBetweenWorkers() {
        for (int workers = 1; workers <= 8; workers++) {
            for (int m = workers * VectorSgemm.MR; m <= 20 * VectorSgemm.MC; m++) {
                int rows = VectorSgemm.rowsPerBlock(m, workers);
                int blocks = (m + rows - 1) / rows;
                int chunks = Math.min(workers, blocks);
                int busiest = 0;
                for (int w = 0; w < chunks; w++) {
                    int from = (int) ((long) blocks * w / chunks);
                    int to = (int) ((long) blocks * (w + 1) / chunks);
                    busiest = Math.max(busiest, Math.min(m, to * rows) - from * rows);
                }
                int fair = (m + workers - 1) / workers + VectorSgemm.MR * ((blocks + workers - 1) / workers);
                String where = "m=" + m + " workers=" + workers + ": " + blocks + " blocks of " + rows + " rows";
                assertTrue(rows <= VectorSgemm.MC && rows % VectorSgemm.MR == 0, where);
                assertTrue(busiest <= fair, where + ", the busiest worker has " + busiest + " rows");
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
        // The reference reads A's rows and B's columns from contiguous copies: the same sums in the same order, without
        // a cache miss per element where the layout strides (a third of this test's time went there).
        double[] rowsOfA = new double[m * k];
        double[] columnsOfB = new double[n * k];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                rowsOfA[i * k + p] = ta ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
            }
            for (int j = 0; j < n; j++) {
                columnsOfB[j * k + p] = tb ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = acc ? c0[cOff + i * ldc + j] : 0;
                for (int p = 0; p < k; p++) {
                    s += rowsOfA[i * k + p] * columnsOfB[j * k + p];
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
