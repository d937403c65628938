package dev.wafer.adapters.cpu;

import jdk.incubator.vector.FloatVector;

/**
 * One worker's attention of a run of new query positions of one head against keys and values stored row by row (a
 * decoding cache, a kept context), in the arithmetic of {@link VectorAttention}: a score is one chain of fused
 * multiply-adds over the head's channels in order, the softmax is {@link VectorAttention#softmaxRow}, and an output
 * channel is one chain over the keys in order ({@link VectorAttention#mm}).
 *
 * <p>Why: one query at a time, each key cost a dot product with its own 16-lane reduction, a double {@code exp} and
 * an axpy, and that was most of a long prompt's prefill (JFR). Two ways to the same bits:
 * <ul>
 *   <li><b>Block</b> (more than {@link #DIRECT_ROWS} rows): the head's keys are gathered once into a zero-padded
 *   {@code Kᵀ}, and every four query rows get their scores from {@code mm}.</li>
 *   <li><b>Direct</b> (a decoding step): rewriting {@code Kᵀ} for one row cost more than the row (about 1 ns per key
 *   channel, measured), so the scores come straight from the key rows, eight keys at a time transposed in registers
 *   ({@link Transpose8#accumulateRow}, the same chain in the same order).</li>
 * </ul>
 * A row's result does not depend on which other rows share its call (its scores and softmax read only its row, and in
 * {@code P·V} the keys past its last visible one weigh exact zeros), so a prompt's prefill in passes of any size and
 * decoding one position at a time give the same bits.
 *
 * <p>Use: {@link #keys} (and {@link #moreKeys} for a second run of rows), then {@link #attend}. The scratch grows to
 * the largest head asked for and is reused; nothing is allocated per call after that.
 */
final class VectorRowAttention {
    private static final int W = VectorAttention.W;
    /**
     * Query rows up to which a call takes the direct way. Per head of 64 channels against 1,900 keys on this build
     * machine (one thread, microseconds, direct against block): 1 row 66-67 against 128-133, 2 rows 126-127 against
     * 155-160, 3 rows 183-190 against 178-184, 4 rows 241-242 against 143-158.
     */
    static final int DIRECT_ROWS = 2;

    private final float[] tmp = new float[FloatVector.SPECIES_PREFERRED.length()];
    private float[] s = new float[0];
    private final Run first = new Run();
    private final Run second = new Run();

    /** A run of key rows and their values' rows, set per call. */
    private static final class Run {
        float[] keys;
        float[] values;
        int kOff;
        int vOff;
        int stride;
        int count;

        void set(float[] keys, int kOff, float[] values, int vOff, int stride, int count) {
            this.keys = keys;
            this.kOff = kOff;
            this.values = values;
            this.vOff = vOff;
            this.stride = stride;
            this.count = count;
        }
    }

    /**
     * The head's first {@code count} keys: key j's channels at {@code keys[kOff + j·stride ..+hs)}, its value's at
     * {@code values[vOff + j·stride ..+hs)}. Clears any second run.
     */
    void keys(float[] keys, int kOff, float[] values, int vOff, int stride, int count) {
        first.set(keys, kOff, values, vOff, stride, count);
        second.count = 0;
    }

    /** The {@code count} keys after those of {@link #keys}, laid out the same way. */
    void moreKeys(float[] keys, int kOff, float[] values, int vOff, int stride, int count) {
        second.set(keys, kOff, values, vOff, stride, count);
    }

    /**
     * With {@code n} keys set: query row {@code r < rows} (at {@code x[qOff + r·qStride ..+hs)}) attends to keys
     * {@code 0..n-rows+r}, and its output goes to {@code o[oOff + r·oStride ..+hs)}.
     */
    void attend(int rows, int hs, float[] x, int qOff, int qStride, float scale, float[] o, int oOff, int oStride) {
        int n = first.count + second.count;
        if (rows < 1 || rows > n) {
            throw new IllegalArgumentException(rows + " query rows against " + n + " keys");
        }
        if (rows <= DIRECT_ROWS) {
            direct(n, rows, hs, x, qOff, qStride, scale, o, oOff, oStride);
        } else {
            block(n, rows, hs, x, qOff, qStride, scale, o, oOff, oStride);
        }
    }

    private void block(int n, int rows, int hs, float[] x, int qOff, int qStride, float scale, float[] o, int oOff,
                       int oStride) {
        int base = n - rows;
        int np = roundUp(n, W);
        int hp = roundUp(hs, W);
        int vAt = hs * np;
        int scAt = vAt + n * hp;
        int outAt = scAt + 4 * np;
        float[] s = scratch(outAt + 4 * hp);
        int n1 = first.count;
        transposeKeys(first, 0, n1, hs, np, s);
        copyValues(first, 0, n1, hs, hp, s, vAt);
        transposeKeys(second, n1, n, hs, np, s);
        copyValues(second, n1, n, hs, hp, s, vAt);
        for (int d = 0; d < hs; d++) {
            java.util.Arrays.fill(s, d * np + n, (d + 1) * np, 0f);
        }
        for (int i0 = 0; i0 < rows; i0 += 4) {
            int r = Math.min(4, rows - i0);
            int jEnd = base + i0 + r;
            for (int j0 = 0; j0 < jEnd; j0 += W) {
                VectorAttention.mm(r, x, qOff + i0 * qStride, qStride, 1, s, j0, np, 0, hs, s, scAt + j0, np);
            }
            // Probabilities in place of the scores, zeros up to the block's last key.
            for (int i = 0; i < r; i++) {
                VectorAttention.softmaxRow(s, scAt + i * np, base + i0 + i + 1, scale, s, scAt + i * np, jEnd, tmp,
                        null);
            }
            for (int d0 = 0; d0 < hp; d0 += W) {
                VectorAttention.mm(r, s, scAt, np, 1, s, vAt + d0, hp, 0, jEnd, s, outAt + d0, hp);
            }
            for (int i = 0; i < r; i++) {
                System.arraycopy(s, outAt + i * hp, o, oOff + (i0 + i) * oStride, hs);
            }
        }
    }

    private void direct(int n, int rows, int hs, float[] x, int qOff, int qStride, float scale, float[] o, int oOff,
                        int oStride) {
        int np = roundUp(n, W);
        int hp = roundUp(hs, W);
        // Values are read where they lie when a head is whole W-wide blocks of one run of rows; else copied.
        int n1 = first.count;
        boolean inPlace = second.count == 0 && hs % W == 0;
        int outAt = np;
        int vAt = outAt + hp;
        float[] s = scratch(inPlace ? vAt : vAt + n * hp);
        if (!inPlace) {
            copyValues(first, 0, n1, hs, hp, s, vAt);
            copyValues(second, n1, n, hs, hp, s, vAt);
        }
        for (int r = 0; r < rows; r++) {
            int visible = n - rows + r + 1;
            int q = qOff + r * qStride;
            scores(x, q, hs, first, 0, Math.min(n1, visible), s);
            scores(x, q, hs, second, n1, visible, s);
            VectorAttention.softmaxRow(s, 0, visible, scale, s, 0, visible, tmp, null);
            for (int d0 = 0; d0 < hp; d0 += W) {
                if (inPlace) {
                    VectorAttention.mm(1, s, 0, 0, 1, first.values, first.vOff + d0, first.stride, 0, visible, s,
                            outAt + d0, hp);
                } else {
                    VectorAttention.mm(1, s, 0, 0, 1, s, vAt + d0, hp, 0, visible, s, outAt + d0, hp);
                }
            }
            System.arraycopy(s, outAt, o, oOff + r * oStride, hs);
        }
    }

    /**
     * {@code s[j]} for keys {@code from..to-1} (none when {@code to <= from}) of a run whose first key is key
     * {@code from}: the chain {@code acc = fma(q[d], k[d], acc)} from zero over d in order, as {@code mm} computes a
     * score.
     */
    private static void scores(float[] x, int q, int hs, Run run, int from, int to, float[] s) {
        float[] keys = run.keys;
        int stride = run.stride;
        int key = run.kOff - from * stride;
        int hs8 = hs - hs % Transpose8.SIDE;
        int j = from;
        if (Transpose8.NATIVE) {
            for (; j + Transpose8.SIDE <= to; j += Transpose8.SIDE) {
                java.util.Arrays.fill(s, j, j + Transpose8.SIDE, 0f);
                Transpose8.accumulateRow(keys, key + j * stride, stride, hs8 / Transpose8.SIDE, x, q, 1, s, j);
                for (int jj = j; jj < j + Transpose8.SIDE; jj++) {
                    float acc = s[jj];
                    for (int d = hs8; d < hs; d++) {
                        acc = Math.fma(x[q + d], keys[key + jj * stride + d], acc);
                    }
                    s[jj] = acc;
                }
            }
        }
        for (; j < to; j++) {
            float acc = 0f;
            int k = key + j * stride;
            for (int d = 0; d < hs; d++) {
                acc = Math.fma(x[q + d], keys[k + d], acc);
            }
            s[j] = acc;
        }
    }

    /** A run's keys, keys {@code from..to-1} of the head, into columns of {@code Kᵀ} (row d at {@code s[d·np]}), 8 x 8 blocks in registers. */
    private static void transposeKeys(Run run, int from, int to, int hs, int np, float[] s) {
        float[] keys = run.keys;
        int stride = run.stride;
        int key = run.kOff - from * stride;
        int j = from;
        if (Transpose8.NATIVE) {
            int hs8 = hs - hs % Transpose8.SIDE;
            for (; j + Transpose8.SIDE <= to; j += Transpose8.SIDE) {
                for (int d = 0; d < hs8; d += Transpose8.SIDE) {
                    Transpose8.block(keys, key + j * stride + d, stride, s, d * np + j, np);
                }
                for (int d = hs8; d < hs; d++) {
                    for (int jj = j; jj < j + Transpose8.SIDE; jj++) {
                        s[d * np + jj] = keys[key + jj * stride + d];
                    }
                }
            }
        }
        for (; j < to; j++) {
            for (int d = 0; d < hs; d++) {
                s[d * np + j] = keys[key + j * stride + d];
            }
        }
    }

    /** A run's values, values {@code from..to-1} of the head, into zero-padded rows of {@code hp} floats from {@code s[vAt]}. */
    private static void copyValues(Run run, int from, int to, int hs, int hp, float[] s, int vAt) {
        for (int j = from; j < to; j++) {
            int row = vAt + j * hp;
            System.arraycopy(run.values, run.vOff + (j - from) * run.stride, s, row, hs);
            java.util.Arrays.fill(s, row + hs, row + hp, 0f);
        }
    }

    private float[] scratch(int n) {
        if (s.length < n) {
            s = new float[n];
        }
        return s;
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }
}
