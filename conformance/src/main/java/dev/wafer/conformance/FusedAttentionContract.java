package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * Fused attention ({@link Capability#FUSED_ATTENTION}): the bf16 attention's {@code forwardSavingLogSumExp} and
 * {@code backwardFromLogSumExp} on bf16 {@code qkv} and {@code out}, against a double reference computed on the same
 * bf16 Q, K and V. The backward's reference applies the roundings the port allows (dO, P and the score gradients as
 * bf16 operands; the row terms from the bf16 output), so its tolerance can be tight enough that a wrong mask, tile
 * edge or fragment layout fails. Shapes cover both kernel widths (heads up to 64 channels, and 80), several tiles of
 * 64 rows and a last partial tile. Backends without the capability skip. The float32 fused forms
 * ({@link Capability#FUSED_ATTENTION_FP32}) are held to the float32 attention's tolerance against the exact attention.
 */
public interface FusedAttentionContract extends BackendContract {

    private static float[] bf16(float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = OperandFormat.BF16.round(a[i]);
        }
        return r;
    }

    private static double round(double x) {
        return OperandFormat.BF16.round((float) x);
    }

    @Test
    default void fusedAttentionMatchesTheReferenceOnBf16Operands(TestInfo info) {
        assumeCapable(Capability.FUSED_ATTENTION);
        runFused(info, 2, 70, 32, 2);  // heads of 16: two query tiles, the second partial
        runFused(info, 1, 131, 128, 2); // heads of 64, three tiles
        runFused(info, 1, 100, 160, 2); // heads of 80: the wide kernels (query tiles of 32 in the backward)
        runFused(info, 3, 5, 96, 3);    // heads of 32, five positions: one partial tile, most of it padding
    }

    @Test
    default void fusedAttentionRefusesWhatItDoesNotCover(TestInfo info) {
        assumeCapable(Capability.FUSED_ATTENTION);
        AttentionKernel k = backend().attention(OperandFormat.BF16, false);
        assertFalse(k.fuses(8, OperandFormat.BF16), "heads of 8 are below the tensor-core tile depth");
        assertFalse(k.fuses(24, OperandFormat.BF16), "heads of 24 are not a multiple of 16");
        assertFalse(k.fuses(144, OperandFormat.BF16), "heads of 144 are wider than 128");
        try (Fixture f = fixture(info)) {
            TensorScope s = f.scope();
            Tensor out = s.allocate(4 * 48, OperandFormat.BF16);
            Tensor lse = s.allocate(4 * 2);
            Tensor qkv = s.allocate(4 * 3 * 48, OperandFormat.BF16);
            assertThrows(IllegalArgumentException.class,
                    () -> k.forwardSavingLogSumExp(out, lse, qkv, 1, 4, 48, 2, 0.2f), "heads of 24");
            Tensor fp32Qkv = s.allocate(4 * 3 * 32);
            Tensor out32 = s.allocate(4 * 32, OperandFormat.BF16);
            assertThrows(IllegalArgumentException.class,
                    () -> k.forwardSavingLogSumExp(out32, lse, fp32Qkv, 1, 4, 32, 2, 0.25f), "a float32 qkv");
        }
    }

    /**
     * {@link Capability#FUSED_ATTENTION_FP32}: the float32 attention's fused forms on float32 {@code qkv} and
     * {@code out} against the double reference, within the float32 attention's own tolerance; a product of TF32
     * accuracy (10-bit mantissas) is off by about 1e-3 here and fails.
     */
    @Test
    default void float32FusedAttentionMatchesTheReference(TestInfo info) {
        assumeCapable(Capability.FUSED_ATTENTION_FP32);
        runFusedFloat32(info, 2, 70, 32, 2);  // heads of 16: two query tiles, the second partial
        runFusedFloat32(info, 1, 131, 128, 2); // heads of 64, three tiles
        runFusedFloat32(info, 1, 40, 96, 2);   // heads of 48
        runFusedFloat32(info, 3, 5, 96, 3);    // heads of 32, five positions: most of the tile is padding
    }

    @Test
    default void float32FusedAttentionRefusesWhatItDoesNotCover(TestInfo info) {
        assumeCapable(Capability.FUSED_ATTENTION_FP32);
        AttentionKernel k = backend().attention();
        assertFalse(k.fuses(80, OperandFormat.FP32), "heads of 80 are wider than the float32 kernels' 64");
        assertFalse(k.fuses(24, OperandFormat.FP32), "heads of 24 are not a multiple of 16");
        assertFalse(k.fuses(32, OperandFormat.BF16), "the float32 attention takes float32 tensors");
        try (Fixture f = fixture(info)) {
            TensorScope s = f.scope();
            Tensor out = s.allocate(4 * 160);
            Tensor lse = s.allocate(4 * 2);
            Tensor qkv = s.allocate(4 * 3 * 160);
            assertThrows(IllegalArgumentException.class,
                    () -> k.forwardSavingLogSumExp(out, lse, qkv, 1, 4, 160, 2, 0.1f), "heads of 80");
        }
    }

    private void runFusedFloat32(TestInfo info, int b, int t, int c, int nh) {
        int hs = c / nh;
        float scale = (float) (1 / Math.sqrt(hs));
        try (Fixture f = fixture(info)) {
            String what = "fused float32 attention B=" + b + " T=" + t + " C=" + c + " NH=" + nh;
            AttentionKernel k = backend().attention();
            assertTrue(k.fuses(hs, OperandFormat.FP32), what + ": the capability promises heads of " + hs);
            float[] x = f.uniform(b * t * 3 * c, -1, 1);
            float[] dy = f.uniform(b * t * c, -1, 1);
            Tensor qkv = f.upload(x);
            Tensor out = f.garbage(b * t * c);
            Tensor lse = f.garbage(b * nh * t);
            k.forwardSavingLogSumExp(out, lse, qkv, b, t, c, nh, scale);

            double[] q = widen(x);
            double[] ro = new double[b * t * c];
            double[] ra = new double[b * nh * t * t];
            ReferenceKernels.attentionForward(ro, ra, q, b, t, c, nh, scale);
            Check.close(what + " out", f.seed(), Tolerances.ATTENTION, ro, out.toHost());
            Check.close(what + " lse", f.seed(), Tolerances.FUSED_ATTENTION_LOG_SUM_EXP,
                    logSumExp(q, b, t, c, nh, scale), lse.toHost());

            Tensor dout = f.upload(dy);
            Tensor dqkv = f.garbage(b * t * 3 * c);
            k.backwardFromLogSumExp(dqkv, dout, qkv, out, lse, b, t, c, nh, scale);
            double[] rd = new double[b * t * 3 * c];
            ReferenceKernels.attentionBackward(rd, widen(dy), q, ra, b, t, c, nh, scale);
            Check.close(what + " dqkv", f.seed(), Tolerances.ATTENTION, rd, dqkv.toHost());
        }
    }

    private void runFused(TestInfo info, int b, int t, int c, int nh) {
        int hs = c / nh;
        float scale = (float) (1 / Math.sqrt(hs));
        try (Fixture f = fixture(info)) {
            String what = "fused attention B=" + b + " T=" + t + " C=" + c + " NH=" + nh;
            AttentionKernel k = backend().attention(OperandFormat.BF16, false);
            assertTrue(k.fuses(hs, OperandFormat.BF16), what + ": the capability promises heads of " + hs);
            TensorScope s = f.scope();
            float[] x = bf16(f.uniform(b * t * 3 * c, -1, 1));
            float[] dy = f.uniform(b * t * c, -1, 1);
            Tensor qkv = s.allocate(x.length, OperandFormat.BF16);
            qkv.copyFromHost(x);
            Tensor out = s.allocate((long) b * t * c, OperandFormat.BF16);
            Tensor lse = f.garbage(b * nh * t);
            k.forwardSavingLogSumExp(out, lse, qkv, b, t, c, nh, scale);

            double[] q = widen(x);
            double[] ro = new double[b * t * c];
            double[] ra = new double[b * nh * t * t];
            ReferenceKernels.attentionForward(ro, ra, q, b, t, c, nh, scale);
            float[] got = out.toHost();
            Check.close(what + " out", f.seed(), Tolerances.FUSED_ATTENTION_OUT, ro, got);
            Check.close(what + " lse", f.seed(), Tolerances.FUSED_ATTENTION_LOG_SUM_EXP,
                    logSumExp(q, b, t, c, nh, scale), lse.toHost());

            Tensor dout = f.upload(dy);
            Tensor dqkv = f.garbage(b * t * 3 * c);
            k.backwardFromLogSumExp(dqkv, dout, qkv, out, lse, b, t, c, nh, scale);
            Check.close(what + " dqkv", f.seed(), Tolerances.FUSED_ATTENTION_GRADIENT,
                    roundedBackward(dy, q, ra, widen(got), b, t, c, nh, scale), dqkv.toHost());
        }
    }

    /** Each row's log of the sum of exp(scaled score) over the keys up to it, in double. */
    private static double[] logSumExp(double[] qkv, int b, int t, int c, int nh, double scale) {
        int hs = c / nh;
        double[] lse = new double[b * nh * t];
        for (int bb = 0; bb < b; bb++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[i + 1];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j <= i; j++) {
                        double dot = 0;
                        for (int e = 0; e < hs; e++) {
                            dot += qkv[(bb * t + i) * 3 * c + h * hs + e] * qkv[(bb * t + j) * 3 * c + c + h * hs + e];
                        }
                        s[j] = scale * dot;
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (double v : s) {
                        sum += Math.exp(v - max);
                    }
                    lse[(bb * nh + h) * t + i] = max + Math.log(sum);
                }
            }
        }
        return lse;
    }

    /**
     * The attention backward in double with the fused kernel's roundings: dO, P (for dV) and the score gradients dS
     * rounded to bf16 as tensor-core operands, the row terms {@code dO . out} from the bf16 output.
     */
    private static double[] roundedBackward(float[] dout, double[] qkv, double[] att, double[] out, int b, int t,
                                            int c, int nh, double scale) {
        int hs = c / nh;
        int c3 = 3 * c;
        double[] d = new double[b * t * c3];
        for (int bb = 0; bb < b; bb++) {
            for (int h = 0; h < nh; h++) {
                for (int i = 0; i < t; i++) {
                    int o = (bb * t + i) * c + h * hs;
                    double rowTerm = 0;
                    for (int e = 0; e < hs; e++) {
                        rowTerm += dout[o + e] * out[o + e];
                    }
                    int a = ((bb * nh + h) * t + i) * t;
                    int qOff = (bb * t + i) * c3 + h * hs;
                    for (int j = 0; j <= i; j++) {
                        int kOff = (bb * t + j) * c3 + c + h * hs;
                        int vOff = kOff + c;
                        double dp = 0;
                        for (int e = 0; e < hs; e++) {
                            dp += round(dout[o + e]) * qkv[vOff + e];
                        }
                        double p = att[a + j];
                        double ds = round(p * (dp - rowTerm));
                        double pb = round(p);
                        for (int e = 0; e < hs; e++) {
                            d[vOff + e] += pb * round(dout[o + e]);
                            d[qOff + e] += scale * ds * qkv[kOff + e];
                            d[kOff + e] += scale * ds * qkv[qOff + e];
                        }
                    }
                }
            }
        }
        return d;
    }
}
