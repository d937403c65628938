package dev.wafer.adapters.opencl;

import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Fused softmax + cross-entropy: a work-group per row (max, a normaliser kept as a pair of floats, probabilities); the
 * backward is element-wise; a training step's forward and backward are one pass per row that writes the gradient
 * without the probabilities. Targets are uploaded per call. Probabilities may overwrite the logits, gradients the
 * probabilities.
 */
final class ClCrossEntropy implements CrossEntropyKernel {
    private final ClRuntime rt;

    ClCrossEntropy(ClRuntime rt) {
        this.rt = rt;
    }

    @Override
    public void forward(Tensor losses, Tensor probs, Tensor logits, int[] targets, int n, int v, float logitScale) {
        long nv = (long) n * v;
        ClTensor l = ClTensor.of(rt, losses, n);
        ClTensor pr = ClTensor.of(rt, probs, nv);
        ClTensor x = ClTensor.of(rt, logits, nv);
        ClEncoder.checkTokens(targets, n, v);
        launchRows(l, pr, x, targets, n, v, logitScale, 0f, false);
    }

    @Override
    public void backward(Tensor dlogits, Tensor probs, int[] targets, int n, int v, float logitScale, float dloss) {
        long nv = (long) n * v;
        if (nv > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("N*V = " + nv + " exceeds one launch");
        }
        ClTensor d = ClTensor.of(rt, dlogits, nv);
        ClTensor pr = ClTensor.of(rt, probs, nv);
        ClEncoder.checkTokens(targets, n, v);
        synchronized (rt) {
            rt.uploadInts(targets, n);
            rt.launch(ClArgs.of(ClKernel.CROSS_ENTROPY_BACKWARD).buffer("dlogits", d).buffer("probs", pr)
                    .integer("n", (int) nv).integer("v", v).real("scale", logitScale).real("dloss", dloss), (int) nv);
        }
    }

    @Override
    public void forwardAndBackward(Tensor losses, Tensor dlogits, Tensor logits, int[] targets, int n, int v,
                                   float logitScale, float dloss) {
        long nv = (long) n * v;
        ClTensor l = ClTensor.of(rt, losses, n);
        ClTensor d = ClTensor.of(rt, dlogits, nv);
        ClTensor x = ClTensor.of(rt, logits, nv);
        ClEncoder.checkTokens(targets, n, v);
        launchRows(l, d, x, targets, n, v, logitScale, dloss, true);
    }

    /** {@code crossEntropyRows}: the losses, and the probabilities or (with {@code gradient}) the logits' gradient. */
    private void launchRows(ClTensor losses, ClTensor out, ClTensor logits, int[] targets, int n, int v, float scale,
                            float dloss, boolean gradient) {
        synchronized (rt) {
            rt.uploadInts(targets, n);
            rt.launchRows(ClArgs.of(ClKernel.CROSS_ENTROPY_ROWS).buffer("losses", losses).buffer("out", out)
                    .buffer("logits", logits).integer("rows", n).integer("v", v).real("scale", scale)
                    .real("dloss", dloss).integer("gradient", gradient ? 1 : 0), n);
        }
    }
}
