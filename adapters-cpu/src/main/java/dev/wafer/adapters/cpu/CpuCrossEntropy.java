package dev.wafer.adapters.cpu;

import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * Fused softmax + cross-entropy, one row per task. The target logit is read before the row is overwritten, so
 * {@code probs} may alias {@code logits}; the normaliser and the loss are reduced in double.
 */
final class CpuCrossEntropy implements CrossEntropyKernel {
    private final Parallel parallel;
    private final boolean vectorized;
    private final float[][] lanes;

    CpuCrossEntropy(Parallel parallel, boolean vectorized) {
        this.parallel = parallel;
        this.vectorized = vectorized;
        this.lanes = new float[parallel.workers()][64];
    }

    @Override
    public void forward(Tensor losses, Tensor probs, Tensor logits, int[] targets, int n, int v, float logitScale) {
        parallel.requireOpen();
        CpuTensor l = CpuTensor.of(losses, n);
        CpuTensor p = CpuTensor.of(probs, (long) n * v);
        CpuTensor z = CpuTensor.of(logits, (long) n * v);
        checkTargets(targets, n, v);
        parallel.range(n, 1, (w, from, to) -> {
            for (int r = from; r < to; r++) {
                forwardRow(w, l, p, z, targets[r], r, v, logitScale);
            }
        });
    }

    @Override
    public void backward(Tensor dlogits, Tensor probs, int[] targets, int n, int v, float logitScale, float dloss) {
        parallel.requireOpen();
        CpuTensor d = CpuTensor.of(dlogits, (long) n * v);
        CpuTensor p = CpuTensor.of(probs, (long) n * v);
        checkTargets(targets, n, v);
        float k = dloss * logitScale;
        parallel.range(n, 1, (w, from, to) -> {
            for (int r = from; r < to; r++) {
                backwardRow(d, p, targets[r], r, v, k);
            }
        });
    }

    /**
     * Each row's forward, then its gradient in place while the row is still in this core's cache, instead of a second
     * pass over all {@code N x V} probabilities from memory: the bits of {@link #forward} then {@link #backward}.
     */
    @Override
    public void forwardAndBackward(Tensor losses, Tensor dlogits, Tensor logits, int[] targets, int n, int v,
                                   float logitScale, float dloss) {
        parallel.requireOpen();
        CpuTensor l = CpuTensor.of(losses, n);
        CpuTensor d = CpuTensor.of(dlogits, (long) n * v);
        CpuTensor z = CpuTensor.of(logits, (long) n * v);
        checkTargets(targets, n, v);
        float k = dloss * logitScale;
        parallel.range(n, 1, (w, from, to) -> {
            for (int r = from; r < to; r++) {
                forwardRow(w, l, d, z, targets[r], r, v, logitScale);
                backwardRow(d, d, targets[r], r, v, k);
            }
        });
    }

    /** Row {@code r}: its probabilities into {@code p} (which may alias {@code z}) and its loss into {@code l}. */
    private void forwardRow(int w, CpuTensor l, CpuTensor p, CpuTensor z, int target, int r, int v,
                            float logitScale) {
        int zo = z.offset + r * v;
        int po = p.offset + r * v;
        if (vectorized) {
            l.data[l.offset + r] = VectorSoftmax.row(z.data, zo, p.data, po, v, target, logitScale, lanes[w]);
            return;
        }
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, logitScale * z.data[zo + j]);
        }
        float t = logitScale * z.data[zo + target];
        double sum = 0;
        for (int j = 0; j < v; j++) {
            float e = (float) Math.exp(logitScale * z.data[zo + j] - max);
            p.data[po + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < v; j++) {
            p.data[po + j] *= inv;
        }
        l.data[l.offset + r] = (float) (Math.log(sum) - (t - max));
    }

    /** Row {@code r}'s logit gradient {@code k * (p - onehot(target))} into {@code d} (which may alias {@code p}). */
    private static void backwardRow(CpuTensor d, CpuTensor p, int target, int r, int v, float k) {
        int po = p.offset + r * v;
        int dO = d.offset + r * v;
        float pt = p.data[po + target]; // read before an aliased write overwrites it
        for (int j = 0; j < v; j++) {
            d.data[dO + j] = k * p.data[po + j];
        }
        d.data[dO + target] = k * (pt - 1f);
    }

    private static void checkTargets(int[] targets, int n, int v) {
        if (targets.length < n) {
            throw new IllegalArgumentException("need " + n + " targets, got " + targets.length);
        }
        for (int i = 0; i < n; i++) {
            if (targets[i] < 0 || targets[i] >= v) {
                throw new IllegalArgumentException("target " + targets[i] + " at " + i + " outside [0, " + v + ")");
            }
        }
    }
}
