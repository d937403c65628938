package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.FiniteDifferences;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.conformance.tolerance.Tolerances;

/** Causal multi-head attention with both score scales (SP 1/√hs, muP 1/hs). */
public interface AttentionContract extends BackendContract {
    /**
     * Sequences longer than a backend's blocks: 150 positions cross the 64-row blocks of a blocked GEMM twice and end
     * in a partial one, where a causal product that skips masked blocks (or stops its sum at the diagonal) would
     * show a wrong limit.
     */
    @Test
    default void attentionOverSeveralBlocksMatchesReference(TestInfo info) {
        assumeCapable(Capability.ATTENTION);
        runAttention(info, 2, 150, 32, 2, (float) (1 / Math.sqrt(16)), false);
    }

    @Test
    default void attentionMatchesReferenceAndFiniteDifferences(TestInfo info) {
        assumeCapable(Capability.ATTENTION);
        int[][] shapes = {{1, 1, 13, 1}, {2, 5, 12, 3}, {1, 17, 39, 3}, {2, 9, 64, 4}}; // B, T, C, NH
        for (int[] s : shapes) {
            int hs = s[2] / s[3];
            runAttention(info, s[0], s[1], s[2], s[3], (float) (1 / Math.sqrt(hs)), s[1] <= 9);
            runAttention(info, s[0], s[1], s[2], s[3], 1f / hs, false);
        }
    }

    @Test
    default void cachedAttentionMatchesTheFullForwardRowByRow(TestInfo info) {
        assumeCapable(Capability.ATTENTION);
        // T, C, NH; the last is a long cache (180 positions of 12 heads), as a long prompt's prefill reads
        int[][] shapes = {{7, 12, 3}, {5, 64, 4}, {1, 13, 1}, {180, 96, 12}};
        for (int[] s : shapes) {
            int t = s[0];
            int c = s[1];
            int nh = s[2];
            for (float scale : new float[] {(float) (1 / Math.sqrt(c / nh)), 1f / (c / nh)}) {
                try (Fixture f = fixture(info)) {
                    String what = "cached attention T=" + t + " C=" + c + " NH=" + nh + " scale=" + scale;
                    float[] qkv = f.uniform(t * 3 * c, -1.5, 1.5);
                    double[] ro = new double[t * c];
                    ReferenceKernels.attentionForward(ro, new double[nh * t * t], widen(qkv), 1, t, c, nh, scale);
                    Tensor k = f.garbage((t + 2) * c);
                    Tensor v = f.garbage((t + 2) * c);
                    Tensor out = f.garbage(c);
                    Tensor row = f.garbage(3 * c);
                    float[] got = new float[t * c];
                    for (int pos = 0; pos < t; pos++) {
                        row.copyFromHost(qkv, pos * 3 * c, 0, 3 * c);
                        backend().attention().forwardCached(out, row, k, v, pos, c, nh, scale);
                        out.copyToHost(0, got, pos * c, c);
                    }
                    Check.close(what, f.seed(), Tolerances.ATTENTION, ro, got);
                }
            }
        }
    }

    @Test
    default void batchedCachedAttentionMatchesTheFullForwardOfEachSequence(TestInfo info) {
        assumeCapable(Capability.ATTENTION);
        int[][] shapes = {{3, 6, 12, 3}, {2, 5, 64, 4}, {1, 4, 13, 1}}; // B, T, C, NH
        for (int[] s : shapes) {
            int b = s[0];
            int t = s[1];
            int c = s[2];
            int nh = s[3];
            int maxT = t + 1;
            float scale = (float) (1 / Math.sqrt(c / nh));
            try (Fixture f = fixture(info)) {
                String what = "batched cached attention B=" + b + " T=" + t + " C=" + c + " NH=" + nh;
                // B independent sequences, (B,T,3C): sequence i's expected output is the full forward of its rows.
                float[] qkv = f.uniform(b * t * 3 * c, -1.5, 1.5);
                double[] ro = new double[b * t * c];
                ReferenceKernels.attentionForward(ro, new double[b * nh * t * t], widen(qkv), b, t, c, nh, scale);
                Tensor k = f.garbage(b * maxT * c);
                Tensor v = f.garbage(b * maxT * c);
                Tensor out = f.garbage(b * c);
                Tensor rows = f.garbage(b * 3 * c);
                float[] got = new float[b * t * c];
                float[] step = new float[b * 3 * c];
                float[] stepOut = new float[b * c];
                for (int pos = 0; pos < t; pos++) {
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(qkv, (i * t + pos) * 3 * c, step, i * 3 * c, 3 * c);
                    }
                    rows.copyFromHost(step);
                    backend().attention().forwardCachedBatch(out, rows, k, v, b, maxT, pos, c, nh, scale);
                    out.copyToHost(0, stepOut, 0, b * c);
                    for (int i = 0; i < b; i++) {
                        System.arraycopy(stepOut, i * c, got, (i * t + pos) * c, c);
                    }
                }
                Check.close(what, f.seed(), Tolerances.ATTENTION, ro, got);
            }
        }
    }

    /**
     * A prefill in passes of several positions ({@link AttentionKernel#forwardCachedPositions}): passes of 1, 3 and
     * then the rest, so later passes read the keys and values earlier passes wrote; each sequence's rows equal its full
     * forward. A pass beyond the caches is refused.
     */
    @Test
    default void cachedPassesOfSeveralPositionsMatchTheFullForwardOfEachSequence(TestInfo info) {
        assumeCapable(Capability.ATTENTION);
        int[][] shapes = {{2, 9, 12, 3}, {3, 7, 64, 4}, {1, 40, 96, 12}}; // B, T, C, NH
        for (int[] s : shapes) {
            int b = s[0];
            int t = s[1];
            int c = s[2];
            int nh = s[3];
            int maxT = t + 2;
            float scale = 1f / (c / nh);
            try (Fixture f = fixture(info)) {
                String what = "cached passes B=" + b + " T=" + t + " C=" + c + " NH=" + nh;
                float[] qkv = f.uniform(b * t * 3 * c, -1.5, 1.5);
                double[] ro = new double[b * t * c];
                ReferenceKernels.attentionForward(ro, new double[b * nh * t * t], widen(qkv), b, t, c, nh, scale);
                Tensor k = f.garbage(b * maxT * c);
                Tensor v = f.garbage(b * maxT * c);
                Tensor out = f.garbage(t * b * c);
                Tensor rows = f.garbage(t * b * 3 * c);
                float[] got = new float[b * t * c];
                int[] passes = {1, 3, t - 4};
                int pos = 0;
                for (int positions : passes) {
                    // Position-major: row j·B + i is position pos + j of sequence i.
                    float[] pass = new float[positions * b * 3 * c];
                    for (int j = 0; j < positions; j++) {
                        for (int i = 0; i < b; i++) {
                            System.arraycopy(qkv, (i * t + pos + j) * 3 * c, pass, (j * b + i) * 3 * c, 3 * c);
                        }
                    }
                    rows.copyFromHost(pass);
                    backend().attention().forwardCachedPositions(out, rows, k, v, b, maxT, pos, positions, c, nh,
                            scale);
                    float[] passOut = new float[positions * b * c];
                    out.copyToHost(0, passOut, 0, passOut.length);
                    for (int j = 0; j < positions; j++) {
                        for (int i = 0; i < b; i++) {
                            System.arraycopy(passOut, (j * b + i) * c, got, (i * t + pos + j) * c, c);
                        }
                    }
                    pos += positions;
                }
                Check.close(what, f.seed(), Tolerances.ATTENTION, ro, got);
                int last = pos;
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> backend().attention().forwardCachedPositions(out, rows, k, v, b, maxT, last, 3, c, nh,
                                scale), what + ": a pass past the caches' " + maxT + " rows");
            }
        }
    }

    /**
     * {@link Capability#PREFIX_ATTENTION}: each sequence's new rows equal the last rows of the full forward over its
     * prefix followed by them. Prefixes of 0 rows (the plain forward), shared by two sequences, at the end of
     * {@code prefixQkv}, and longer than the new rows; a prefix outside {@code prefixQkv} is refused.
     */
    @Test
    default void attentionAfterAPrefixMatchesTheFullForwardOverPrefixAndRows(TestInfo info) {
        assumeCapable(Capability.PREFIX_ATTENTION);
        // T, C, NH: heads of 4, 16 and 13 channels (fewer than a warp's lanes), 48 (two lanes' worth for some), 150
        // (more than one sweep of 128 channels)
        int[][] shapes = {{4, 12, 3}, {1, 64, 4}, {9, 13, 1}, {3, 96, 2}, {2, 300, 2}};
        int[] starts = {0, 2, 2, 0, 11};
        int[] lengths = {0, 7, 7, 11, 1};
        int p = 12;
        int b = starts.length;
        for (int[] s : shapes) {
            int t = s[0];
            int c = s[1];
            int nh = s[2];
            for (float scale : new float[] {(float) (1 / Math.sqrt(c / nh)), 1f / (c / nh)}) {
                try (Fixture f = fixture(info)) {
                    String what = "attention after a prefix T=" + t + " C=" + c + " NH=" + nh + " scale=" + scale;
                    float[] prefix = f.uniform(p * 3 * c, -1.5, 1.5);
                    float[] qkv = f.uniform(b * t * 3 * c, -1.5, 1.5);
                    double[] ro = new double[b * t * c];
                    for (int i = 0; i < b; i++) {
                        int n = lengths[i] + t;
                        float[] all = new float[n * 3 * c];
                        System.arraycopy(prefix, starts[i] * 3 * c, all, 0, lengths[i] * 3 * c);
                        System.arraycopy(qkv, i * t * 3 * c, all, lengths[i] * 3 * c, t * 3 * c);
                        double[] o = new double[n * c];
                        ReferenceKernels.attentionForward(o, new double[nh * n * n], widen(all), 1, n, c, nh, scale);
                        System.arraycopy(o, lengths[i] * c, ro, i * t * c, t * c);
                    }
                    Tensor out = f.garbage(b * t * c);
                    Tensor tp = f.upload(prefix);
                    backend().attention().forwardAfterPrefix(out, f.upload(qkv), tp, starts, lengths, b, t, c, nh,
                            scale);
                    Check.close(what, f.seed(), Tolerances.ATTENTION, ro, out.toHost());
                    org.junit.jupiter.api.Assertions.assertArrayEquals(prefix, tp.toHost(),
                            what + ": the prefixes are read only (seed " + f.seed() + ")");
                    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                            () -> backend().attention().forwardAfterPrefix(out, f.upload(qkv), tp,
                                    new int[] {0, 2, 2, 0, 11}, new int[] {0, 7, 7, 11, 2}, b, t, c, nh, scale),
                            what + ": rows 11 and 12 of a 12-row prefixQkv");
                }
            }
        }
    }

    private void runAttention(TestInfo info, int b, int t, int c, int nh, float scale, boolean fd) {
        try (Fixture f = fixture(info)) {
            String what = "attention B=" + b + " T=" + t + " C=" + c + " NH=" + nh + " scale=" + scale;
            float[] qkv = f.uniform(b * t * 3 * c, -1.5, 1.5);
            Tensor out = f.garbage(b * t * c);
            Tensor att = f.garbage(b * nh * t * t);
            Tensor tqkv = f.upload(qkv);
            AttentionKernel k = backend().attention();
            k.forward(out, att, tqkv, b, t, c, nh, scale);
            double[] ro = new double[b * t * c];
            double[] ra = new double[b * nh * t * t];
            ReferenceKernels.attentionForward(ro, ra, widen(qkv), b, t, c, nh, scale);
            Check.close(what + " out", f.seed(), Tolerances.ATTENTION, ro, out.toHost());
            Check.close(what + " att (zero above the diagonal)", f.seed(), Tolerances.ATTENTION, ra, att.toHost());

            float[] dout = f.uniform(b * t * c, -1, 1);
            Tensor dqkv = f.garbage(b * t * 3 * c);
            k.backward(dqkv, f.upload(dout), tqkv, att, b, t, c, nh, scale);
            double[] rd = new double[b * t * 3 * c];
            ReferenceKernels.attentionBackward(rd, widen(dout), widen(qkv), ra, b, t, c, nh, scale);
            Check.close(what + " dqkv", f.seed(), Tolerances.ATTENTION, rd, dqkv.toHost());
            if (fd) {
                double[] wd = widen(dout);
                double[] y = new double[b * t * c];
                double[] a = new double[b * nh * t * t];
                FiniteDifferences.check(what + " dqkv", f.seed(), widen(qkv), x -> {
                    ReferenceKernels.attentionForward(y, a, x, b, t, c, nh, scale);
                    return FiniteDifferences.dot(wd, y);
                }, dqkv.toHost(), 120);
            }
        }
    }
}
