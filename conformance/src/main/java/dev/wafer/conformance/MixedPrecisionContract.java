package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.conformance.tolerance.Tolerance;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;

/**
 * bf16 and fp16 kernels ({@link Capability#BF16}, {@link Capability#FP16}) against the double reference: the matmul
 * equals the reference on rounded operands to float32-accumulation accuracy (and differs from the unrounded result,
 * so rounding did happen), and stays within the format's epsilon-derived tolerance of the unrounded result;
 * attention stays within its tolerance, and saves probabilities the format represents exactly.
 * Backends without the capability skip these tests; finite differences stay with the float32 contract.
 */
public interface MixedPrecisionContract extends BackendContract {
    @Test
    default void bf16MatmulRoundsOperandsAndAccumulatesInFp32(TestInfo info) {
        assumeCapable(Capability.BF16);
        runMixedMatmul(info, OperandFormat.BF16, 37, 129, 70);
        runMixedMatmul(info, OperandFormat.BF16, 5, 300, 13);
    }

    @Test
    default void fp16MatmulRoundsOperandsAndAccumulatesInFp32(TestInfo info) {
        assumeCapable(Capability.FP16);
        runMixedMatmul(info, OperandFormat.FP16, 37, 129, 70);
        runMixedMatmul(info, OperandFormat.FP16, 5, 300, 13);
    }

    @Test
    default void bf16AttentionMatchesReferenceWithinFormatTolerance(TestInfo info) {
        assumeCapable(Capability.BF16);
        runMixedAttention(info, OperandFormat.BF16, false);
        runMixedAttention(info, OperandFormat.BF16, true);
    }

    @Test
    default void fp16AttentionMatchesReferenceWithinFormatTolerance(TestInfo info) {
        assumeCapable(Capability.FP16);
        runMixedAttention(info, OperandFormat.FP16, false);
        runMixedAttention(info, OperandFormat.FP16, true);
    }

    private static float[] rounded(OperandFormat format, float[] a) {
        float[] r = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = format.round(a[i]);
        }
        return r;
    }

    private static double worstError(double[] expected, float[] actual) {
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        return worst;
    }

    private void runMixedMatmul(TestInfo info, OperandFormat format, int n, int c, int oc) {
        try (Fixture f = fixture(info)) {
            String what = format.id() + " matmul N=" + n + " C=" + c + " OC=" + oc;
            float[] inp = f.uniform(n * c, -1, 1);
            float[] w = f.uniform(oc * c, -1, 1);
            float[] bias = f.uniform(oc, -1, 1);
            MatmulKernel k = backend().matmul(format);
            Tensor out = f.garbage(n * oc);
            Tensor tin = f.upload(inp);
            Tensor tw = f.upload(w);
            k.forward(out, tin, tw, f.upload(bias), n, c, oc);
            float[] got = out.toHost();
            double[] exact = new double[n * oc];
            ReferenceKernels.matmulForward(exact, widen(rounded(format, inp)), widen(rounded(format, w)), widen(bias),
                    n, c, oc);
            Check.close(what + " out vs rounded operands", f.seed(), Tolerances.MIXED_MATMUL_ROUNDED_OPERANDS, exact,
                    got);
            double[] unrounded = new double[n * oc];
            ReferenceKernels.matmulForward(unrounded, widen(inp), widen(w), widen(bias), n, c, oc);
            Check.close(what + " out vs float32 operands", f.seed(), Tolerances.mixedMatmul(format, c), unrounded,
                    got);
            Tolerance fp32 = Tolerances.MATMUL;
            assertTrue(worstError(unrounded, got) > fp32.abs() + fp32.rel(),
                    what + ": indistinguishable from a float32 matmul; were the operands rounded? seed " + f.seed());

            float[] dout = f.uniform(n * oc, -1, 1);
            float[] dw0 = f.uniform(oc * c, -1, 1);
            float[] db0 = f.uniform(oc, -1, 1);
            Tensor dinp = f.garbage(n * c);
            Tensor dw = f.upload(dw0);
            Tensor db = f.upload(db0);
            k.backward(dinp, dw, db, f.upload(dout), tin, tw, n, c, oc);
            double[] rdi = new double[n * c];
            double[] rdw = widen(dw0);
            double[] rdb = widen(db0);
            ReferenceKernels.matmulBackward(rdi, rdw, null, widen(rounded(format, dout)), widen(rounded(format, inp)),
                    widen(rounded(format, w)), n, c, oc);
            // The bias gradient is a float32 sum of the unrounded output gradient.
            ReferenceKernels.matmulBackward(null, new double[oc * c], rdb, widen(dout), widen(inp), widen(w), n, c,
                    oc);
            Check.close(what + " dinp vs rounded operands", f.seed(), Tolerances.MIXED_MATMUL_ROUNDED_OPERANDS, rdi,
                    dinp.toHost());
            Check.close(what + " dweight vs rounded operands", f.seed(), Tolerances.MIXED_MATMUL_ROUNDED_OPERANDS, rdw,
                    dw.toHost());
            Check.close(what + " dbias (float32)", f.seed(), Tolerances.MATMUL, rdb, db.toHost());
            double[] udi = new double[n * c];
            ReferenceKernels.matmulBackward(udi, new double[oc * c], null, widen(dout), widen(inp), widen(w), n, c,
                    oc);
            Check.close(what + " dinp vs float32 operands", f.seed(), Tolerances.mixedMatmul(format, oc), udi,
                    dinp.toHost());
        }
    }

    private void runMixedAttention(TestInfo info, OperandFormat format, boolean fp32ScoreGradients) {
        int b = 2;
        int t = 17;
        int c = 16;
        int nh = 2;
        float scale = (float) (1 / Math.sqrt(c / nh));
        try (Fixture f = fixture(info)) {
            String what = format.id() + " attention B=" + b + " T=" + t + " C=" + c + " NH=" + nh
                    + (fp32ScoreGradients ? " fp32 dS" : "");
            Tolerance tol = Tolerances.mixedAttention(format);
            float[] qkv = f.uniform(b * t * 3 * c, -1.5, 1.5);
            Tensor out = f.garbage(b * t * c);
            Tensor att = f.garbage(b * nh * t * t);
            Tensor tqkv = f.upload(qkv);
            AttentionKernel k = backend().attention(format, fp32ScoreGradients);
            k.forward(out, att, tqkv, b, t, c, nh, scale);
            double[] ro = new double[b * t * c];
            double[] ra = new double[b * nh * t * t];
            ReferenceKernels.attentionForward(ro, ra, widen(qkv), b, t, c, nh, scale);
            Check.close(what + " out", f.seed(), tol, ro, out.toHost());
            float[] saved = att.toHost();
            Check.close(what + " att", f.seed(), tol, ra, saved);
            for (int i = 0; i < saved.length; i++) {
                assertEquals(format.round(saved[i]), saved[i], what + ": saved probability " + i + " is not "
                        + format.id() + "; seed " + f.seed());
            }
            float[] dout = f.uniform(b * t * c, -1, 1);
            Tensor dqkv = f.garbage(b * t * 3 * c);
            k.backward(dqkv, f.upload(dout), tqkv, att, b, t, c, nh, scale);
            double[] rd = new double[b * t * 3 * c];
            ReferenceKernels.attentionBackward(rd, widen(dout), widen(qkv), ra, b, t, c, nh, scale);
            Check.close(what + " dqkv", f.seed(), tol, rd, dqkv.toHost());
        }
    }
}
