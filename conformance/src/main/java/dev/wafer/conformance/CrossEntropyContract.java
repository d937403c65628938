package dev.wafer.conformance;

import static dev.wafer.conformance.support.Fixture.widen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.wafer.conformance.reference.ReferenceKernels;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.support.FiniteDifferences;
import dev.wafer.conformance.support.Fixture;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.conformance.tolerance.Tolerances;

/** Fused softmax + cross-entropy with an output-logit multiplier, up to GPT-2's 50257-token vocabulary. */
public interface CrossEntropyContract extends BackendContract {
    @Test
    default void crossEntropySmallMatchesReferenceAndFiniteDifferences(TestInfo info) {
        assumeCapable(Capability.SOFTMAX_CROSS_ENTROPY);
        runCrossEntropy(info, 3, 13, 1f, false, true);
        runCrossEntropy(info, 1, 67, 1f / 3, true, true);
    }

    @Test
    default void crossEntropyOverGpt2Vocabulary(TestInfo info) {
        assumeCapable(Capability.SOFTMAX_CROSS_ENTROPY);
        runCrossEntropy(info, 3, 50257, 1f, false, false);
        runCrossEntropy(info, 2, 50257, 1f / 3, true, false);
    }

    @Test
    default void forwardAndBackwardInOneCallIsTheTwoCalls(TestInfo info) {
        assumeCapable(Capability.SOFTMAX_CROSS_ENTROPY);
        runForwardAndBackward(info, 3, 67, 1f, false);
        runForwardAndBackward(info, 2, 50257, 1f / 3, true);
    }

    /**
     * {@link CrossEntropyKernel#forwardAndBackward} against the reference and against {@code forward} then
     * {@code backward} on the same backend (a backend that fuses them may round its probabilities differently, so
     * within the kernel tolerance, not bit for bit).
     */
    private void runForwardAndBackward(TestInfo info, int n, int v, float scale, boolean inPlace) {
        try (Fixture f = fixture(info)) {
            String what = "cross-entropy forward and backward N=" + n + " V=" + v + " scale=" + scale
                    + (inPlace ? " in place" : "");
            float[] logits = f.uniform(n * v, -8, 8);
            int[] targets = f.ints(n, v);
            float dloss = 0.37f / n;
            CrossEntropyKernel k = backend().crossEntropy();
            Tensor tl = f.upload(logits);
            Tensor losses = f.garbage(n);
            Tensor dlogits = inPlace ? tl : f.garbage(n * v);
            k.forwardAndBackward(losses, dlogits, tl, targets, n, v, scale, dloss);
            double[] rl = new double[n];
            double[] rp = new double[n * v];
            double[] rd = new double[n * v];
            ReferenceKernels.crossEntropyForward(rl, rp, widen(logits), targets, n, v, scale);
            ReferenceKernels.crossEntropyBackward(rd, rp, targets, n, v, scale, dloss);
            float[] gotLosses = losses.toHost();
            float[] gotGradient = dlogits.toHost();
            Check.close(what + " losses", f.seed(), Tolerances.CROSS_ENTROPY, rl, gotLosses);
            Check.close(what + " dlogits", f.seed(), Tolerances.CROSS_ENTROPY, rd, gotGradient);

            Tensor twoLosses = f.garbage(n);
            Tensor probs = f.upload(logits);
            k.forward(twoLosses, probs, probs, targets, n, v, scale);
            k.backward(probs, probs, targets, n, v, scale, dloss);
            Check.close(what + " losses vs forward", f.seed(), Tolerances.CROSS_ENTROPY, widen(twoLosses.toHost()),
                    gotLosses);
            Check.close(what + " dlogits vs forward then backward", f.seed(), Tolerances.CROSS_ENTROPY,
                    widen(probs.toHost()), gotGradient);
        }
    }

    private void runCrossEntropy(TestInfo info, int n, int v, float scale, boolean inPlace, boolean fd) {
        try (Fixture f = fixture(info)) {
            String what = "cross-entropy N=" + n + " V=" + v + " scale=" + scale + (inPlace ? " in place" : "");
            float[] logits = f.uniform(n * v, -8, 8);
            int[] targets = f.ints(n, v);
            float dloss = 1f / n;
            Tensor tl = f.upload(logits);
            Tensor losses = f.garbage(n);
            Tensor probs = inPlace ? tl : f.garbage(n * v);
            CrossEntropyKernel k = backend().crossEntropy();
            k.forward(losses, probs, tl, targets, n, v, scale);
            double[] rl = new double[n];
            double[] rp = new double[n * v];
            ReferenceKernels.crossEntropyForward(rl, rp, widen(logits), targets, n, v, scale);
            Check.close(what + " losses", f.seed(), Tolerances.CROSS_ENTROPY, rl, losses.toHost());
            Check.close(what + " probs", f.seed(), Tolerances.CROSS_ENTROPY, rp, probs.toHost());

            Tensor dlogits = inPlace ? probs : f.garbage(n * v);
            k.backward(dlogits, probs, targets, n, v, scale, dloss);
            double[] rd = new double[n * v];
            ReferenceKernels.crossEntropyBackward(rd, rp, targets, n, v, scale, dloss);
            float[] got = dlogits.toHost();
            Check.close(what + " dlogits", f.seed(), Tolerances.CROSS_ENTROPY, rd, got);
            if (fd) {
                double[] l = new double[n];
                double[] p = new double[n * v];
                FiniteDifferences.check(what + " dlogits", f.seed(), widen(logits), x -> {
                    ReferenceKernels.crossEntropyForward(l, p, x, targets, n, v, scale);
                    double s = 0;
                    for (double li : l) {
                        s += dloss * li;
                    }
                    return s;
                }, got, n * v);
            }
        }
    }
}
