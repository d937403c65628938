package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wafer.conformance.tolerance.Tolerance;
import dev.wafer.conformance.tolerance.Tolerances;

/**
 * {@link VectorRowAttention}: every query row of a call gives the bits it gives alone (so the block way, taken for
 * more than {@link VectorRowAttention#DIRECT_ROWS} rows, and the direct way agree), and each row matches causal
 * attention computed in double. Keys come in one run of rows or two (a kept context, then the call's own rows), with
 * heads narrower than a transposed block, with channels left over after whole 8-channel blocks, and as wide as one or
 * two of the block way's column tiles (the direct way then reads the values where they lie).
 */
class VectorRowAttentionTest {
    private static final long SEED = 20261206_3L;

    @ParameterizedTest(name = "hs {0}, keys {1}, first run {2}")
    @CsvSource({"8,37,37", "20,45,30", "64,150,150", "64,150,100", "80,70,70", "128,33,20", "3,11,5", "64,9,1"})
    void everyRowGivesItsBitsAloneAndMatchesDoubleAttention(int hs, int n, int n1) {
        long seed = SEED + 1009L * hs + n;
        SplittableRandom r = new SplittableRandom(seed);
        // The first run: keys and values interleaved in rows of a wider array (as in a kept Q, K, V).
        int stride1 = 3 * hs + 5;
        float[] first = random(r, n1 * stride1);
        // The second run: keys and values in arrays of their own (as in decoding caches).
        int n2 = n - n1;
        int stride2 = hs + 3;
        float[] keys2 = random(r, Math.max(1, n2) * stride2);
        float[] values2 = random(r, Math.max(1, n2) * stride2);
        float scale = (float) (1 / Math.sqrt(hs));
        VectorRowAttention attention = new VectorRowAttention();
        for (int rows = 1; rows <= Math.min(9, n); rows++) {
            String what = "hs " + hs + ", keys " + n + " (" + n1 + " + " + n2 + "), rows " + rows + " (seed " + seed
                    + ")";
            int qStride = 2 * hs + 1;
            float[] q = random(r, rows * qStride);
            int oStride = hs + 2;
            float[] out = new float[rows * oStride];
            setKeys(attention, first, stride1, n1, keys2, values2, stride2, n, hs);
            attention.attend(rows, hs, q, 0, qStride, scale, out, 0, oStride);
            for (int row = 0; row < rows; row++) {
                int visible = n - rows + row + 1;
                float[] alone = new float[hs];
                setKeys(attention, first, stride1, n1, keys2, values2, stride2, visible, hs);
                attention.attend(1, hs, q, row * qStride, 0, scale, alone, 0, 0);
                double[] expected = reference(q, row * qStride, visible, first, stride1, n1, keys2, values2, stride2,
                        hs, scale);
                for (int d = 0; d < hs; d++) {
                    String at = what + ", row " + row + ", channel " + d;
                    float actual = out[row * oStride + d];
                    float single = alone[d];
                    assertEquals(Float.floatToRawIntBits(single), Float.floatToRawIntBits(actual),
                            () -> at + ": " + single + " alone, " + actual + " among the call's rows");
                    Tolerance tolerance = Tolerances.ATTENTION;
                    double exact = expected[d];
                    assertTrue(tolerance.accepts(exact, actual),
                            () -> at + ": " + actual + " against " + exact + " in double, " + tolerance);
                }
            }
        }
    }

    /** Keys {@code 0..count-1}: the first run's, then the second's. */
    private static void setKeys(VectorRowAttention attention, float[] first, int stride1, int n1, float[] keys2,
                                float[] values2, int stride2, int count, int hs) {
        attention.keys(first, 1, first, 2 + hs, stride1, Math.min(n1, count));
        if (count > n1) {
            attention.moreKeys(keys2, 0, values2, 0, stride2, count - n1);
        }
    }

    private static double[] reference(float[] q, int qOff, int visible, float[] first, int stride1, int n1,
                                      float[] keys2, float[] values2, int stride2, int hs, float scale) {
        double[] score = new double[visible];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < visible; j++) {
            double dot = 0;
            for (int d = 0; d < hs; d++) {
                float k = j < n1 ? first[j * stride1 + 1 + d] : keys2[(j - n1) * stride2 + d];
                dot += (double) q[qOff + d] * k;
            }
            score[j] = dot * scale;
            max = Math.max(max, score[j]);
        }
        double sum = 0;
        for (int j = 0; j < visible; j++) {
            score[j] = Math.exp(score[j] - max);
            sum += score[j];
        }
        double[] out = new double[hs];
        for (int j = 0; j < visible; j++) {
            for (int d = 0; d < hs; d++) {
                float v = j < n1 ? first[j * stride1 + 2 + hs + d] : values2[(j - n1) * stride2 + d];
                out[d] += score[j] / sum * v;
            }
        }
        return out;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 3 - 1.5);
        }
        return a;
    }
}
