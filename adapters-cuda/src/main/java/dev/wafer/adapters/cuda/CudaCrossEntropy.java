package dev.wafer.adapters.cuda;

import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Fused softmax + cross-entropy: one block per row (max, double normaliser, probabilities) forward, element-wise
 * backward. Targets are uploaded per call. Probabilities may overwrite the logits, gradients the probabilities. The
 * fast kernels' forward ({@code crossentropy_forward_online}) takes float exponentials, still summed in double, and
 * finds the maximum and the normaliser in one pass.
 */
final class CudaCrossEntropy implements CrossEntropyKernel {
    private final Gpu gpu;
    private final boolean fast;
    private final CudaKernel forwardKernel;

    /**
     * @param fast the fast kernels: the online forward and the backward by rows ({@code crossentropy_backward_rows},
     *             no division per logit), else the baseline's (double exponentials, three passes; one thread per logit)
     */
    CudaCrossEntropy(Gpu gpu, boolean fast) {
        this.gpu = gpu;
        this.fast = fast;
        this.forwardKernel = fast ? CudaKernel.CROSSENTROPY_FORWARD_ONLINE : CudaKernel.CROSSENTROPY_FORWARD;
    }

    @Override
    public void forward(Tensor losses, Tensor probs, Tensor logits, int[] targets, int n, int v, float logitScale) {
        KernelArgs args = perRow(forwardKernel, losses, probs, logits, targets, n, v, logitScale);
        if (args != null) {
            gpu.launch(LaunchGeometry.blockPerItem(n, CudaKernel.CROSS_ENTROPY_BLOCK), args);
        }
    }

    /**
     * With the fast kernels, one kernel ({@code crossentropy_forward_backward_online}): the probabilities stay in
     * registers, one pass over the logits fewer and none written; the same bits as {@link #forward} then
     * {@link #backward}. With the baseline kernels, those two calls.
     */
    @Override
    public void forwardAndBackward(Tensor losses, Tensor dlogits, Tensor logits, int[] targets, int n, int v,
                                   float logitScale, float dloss) {
        if (!fast) {
            CrossEntropyKernel.super.forwardAndBackward(losses, dlogits, logits, targets, n, v, logitScale, dloss);
            return;
        }
        KernelArgs args = perRow(CudaKernel.CROSSENTROPY_FORWARD_BACKWARD_ONLINE, losses, dlogits, logits, targets, n,
                v, logitScale);
        if (args != null) {
            gpu.launch(LaunchGeometry.blockPerItem(n, CudaKernel.CROSS_ENTROPY_BLOCK), args.real(dloss));
        }
    }

    /**
     * The arguments a block-per-row kernel starts with (losses, its (N,V) output, logits, the uploaded targets, n, v,
     * the logit scale), after checking the tensors and ids; null when there are no rows to launch for.
     */
    private KernelArgs perRow(CudaKernel kernel, Tensor losses, Tensor out, Tensor logits, int[] targets, int n, int v,
                              float logitScale) {
        long nv = (long) n * v;
        CudaTensor l = CudaTensor.of(gpu, losses, n);
        CudaTensor o = CudaTensor.of(gpu, out, nv);
        CudaTensor x = CudaTensor.of(gpu, logits, nv);
        CudaEncoder.checkIds(targets, n, v);
        if (n == 0) {
            return null;
        }
        long ids = gpu.uploadIds(targets, n);
        return KernelArgs.of(kernel).pointer(l.pointer()).pointer(o.pointer()).pointer(x.pointer()).pointer(ids)
                .integer(n).integer(v).real(logitScale);
    }

    @Override
    public void backward(Tensor dlogits, Tensor probs, int[] targets, int n, int v, float logitScale, float dloss) {
        long nv = (long) n * v;
        CudaTensor d = CudaTensor.of(gpu, dlogits, nv);
        CudaTensor p = CudaTensor.of(gpu, probs, nv);
        CudaEncoder.checkIds(targets, n, v);
        if (nv == 0) {
            return;
        }
        long ids = gpu.uploadIds(targets, n);
        if (fast) {
            gpu.launch(LaunchGeometry.columnsByRows(n, v), KernelArgs.of(CudaKernel.CROSSENTROPY_BACKWARD_ROWS)
                    .pointer(d.pointer()).pointer(p.pointer()).pointer(ids).integer(n).integer(v).real(logitScale)
                    .real(dloss));
            return;
        }
        gpu.launch(LaunchGeometry.linear(nv), KernelArgs.of(CudaKernel.CROSSENTROPY_BACKWARD)
                .pointer(d.pointer()).pointer(p.pointer()).pointer(ids).integer(n).integer(v).real(logitScale)
                .real(dloss));
    }
}
