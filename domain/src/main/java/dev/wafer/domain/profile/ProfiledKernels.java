package dev.wafer.domain.profile;

import dev.wafer.ports.compute.AdamWKernel;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.ReductionKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * The timing wrappers of every kernel family: each call goes to the backend's own kernel (default methods
 * included, so a backend's override is what runs) between {@link CallTimer#start()} and {@link CallTimer#stop}.
 * Matrix-product FLOPs are counted as {@code FlopCount.matrixProductsTrainingPerToken} counts them: two per
 * multiply-add, the causal half of attention's products. Tensor bytes ({@link KernelProfile}) count each tensor
 * argument's elements that the call's formula reads or writes once, at the tensor's storage width, and a gathered or
 * scattered embedding row once per token; host arrays (token ids, targets) are not device traffic and not counted.
 */
final class ProfiledKernels {
    private ProfiledKernels() {
    }

    /** The bytes of {@code elements} elements of {@code t} (0 for an absent tensor): 4 a value, 2 for 16-bit storage. */
    static double bytes(Tensor t, double elements) {
        if (t == null) {
            return 0;
        }
        return elements * (t.format() == dev.wafer.ports.compute.OperandFormat.FP32 ? 4 : 2);
    }

    /** Causal attention's products over {@code b} sequences of {@code t}: {@code b·c·t(t+1)} FLOPs each. */
    static double attentionProduct(int b, int t, int c) {
        return (double) b * c * t * (t + 1);
    }

    record TimedEncoder(EncoderKernel k, CallTimer timer) implements EncoderKernel {
        @Override
        public void forward(Tensor out, int[] tokens, Tensor wte, Tensor wpe, int b, int t, int c, float multiplier) {
            long s = timer.start();
            k.forward(out, tokens, wte, wpe, b, t, c, multiplier);
            double btc = (double) b * t * c;
            timer.stop(KernelCall.ENCODER_FORWARD, s, 0, bytes(out, btc) + bytes(wte, btc) + bytes(wpe, (double) t * c));
        }

        @Override
        public void backward(Tensor dwte, Tensor dwpe, Tensor dout, int[] tokens, int b, int t, int c,
                             float multiplier) {
            long s = timer.start();
            k.backward(dwte, dwpe, dout, tokens, b, t, c, multiplier);
            double btc = (double) b * t * c;
            timer.stop(KernelCall.ENCODER_BACKWARD, s, 0, bytes(dout, btc) + bytes(dwte, btc)
                    + bytes(dwpe, (double) t * c));
        }
    }

    record TimedLayerNorm(LayerNormKernel k, CallTimer timer) implements LayerNormKernel {
        @Override
        public void forward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n,
                            int c) {
            long s = timer.start();
            k.forward(out, mean, rstd, inp, weight, bias, n, c);
            double nc = (double) n * c;
            timer.stop(KernelCall.LAYER_NORM_FORWARD, s, 0, bytes(out, nc) + bytes(inp, nc) + bytes(mean, n)
                    + bytes(rstd, n) + bytes(weight, c) + bytes(bias, c));
        }

        @Override
        public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                             Tensor mean, Tensor rstd, int n, int c) {
            long s = timer.start();
            k.backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, n, c);
            double nc = (double) n * c;
            timer.stop(KernelCall.LAYER_NORM_BACKWARD, s, 0, bytes(dinp, nc) + bytes(dout, nc) + bytes(inp, nc)
                    + bytes(dweight, c) + bytes(dbias, c) + bytes(weight, c) + bytes(mean, n) + bytes(rstd, n));
        }
    }

    record TimedMatmul(MatmulKernel k, CallTimer timer) implements MatmulKernel {
        @Override
        public void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc) {
            long s = timer.start();
            k.forward(out, inp, weight, bias, n, c, oc);
            timer.stop(KernelCall.MATMUL_FORWARD, s, 2.0 * n * c * oc, bytes(out, (double) n * oc)
                    + bytes(inp, (double) n * c) + bytes(weight, (double) oc * c) + bytes(bias, oc));
        }

        @Override
        public void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                             int n, int c, int oc) {
            long s = timer.start();
            k.backward(dinp, dweight, dbias, dout, inp, weight, n, c, oc);
            // The weight gradient always, the input gradient only when asked for.
            timer.stop(KernelCall.MATMUL_BACKWARD, s, (dinp == null ? 2.0 : 4.0) * n * c * oc,
                    bytes(dout, (double) n * oc) + bytes(inp, (double) n * c) + bytes(dweight, (double) oc * c)
                            + bytes(dbias, oc) + (dinp == null ? 0 : bytes(dinp, (double) n * c)
                            + bytes(weight, (double) oc * c)));
        }
    }

    record TimedAttention(AttentionKernel k, CallTimer timer) implements AttentionKernel {
        @Override
        public void forward(Tensor out, Tensor att, Tensor qkv, int b, int t, int c, int nh, float scale) {
            long s = timer.start();
            k.forward(out, att, qkv, b, t, c, nh, scale);
            double btc = (double) b * t * c;
            timer.stop(KernelCall.ATTENTION_FORWARD, s, 2 * attentionProduct(b, t, c), bytes(out, btc)
                    + bytes(qkv, 3 * btc) + bytes(att, (double) b * nh * t * t));
        }

        @Override
        public void backward(Tensor dqkv, Tensor dout, Tensor qkv, Tensor att, int b, int t, int c, int nh,
                             float scale) {
            long s = timer.start();
            k.backward(dqkv, dout, qkv, att, b, t, c, nh, scale);
            double btc = (double) b * t * c;
            timer.stop(KernelCall.ATTENTION_BACKWARD, s, 4 * attentionProduct(b, t, c), bytes(dqkv, 3 * btc)
                    + bytes(dout, btc) + bytes(qkv, 3 * btc) + bytes(att, (double) b * nh * t * t));
        }

        @Override
        public boolean fuses(int headSize, dev.wafer.ports.compute.OperandFormat storage) {
            return k.fuses(headSize, storage);
        }

        @Override
        public void forwardSavingLogSumExp(Tensor out, Tensor lse, Tensor qkv, int b, int t, int c, int nh,
                                           float scale) {
            long s = timer.start();
            k.forwardSavingLogSumExp(out, lse, qkv, b, t, c, nh, scale);
            double btc = (double) b * t * c;
            timer.stop(KernelCall.ATTENTION_FORWARD, s, 2 * attentionProduct(b, t, c), bytes(out, btc)
                    + bytes(qkv, 3 * btc) + bytes(lse, (double) b * nh * t));
        }

        @Override
        public void backwardFromLogSumExp(Tensor dqkv, Tensor dout, Tensor qkv, Tensor out, Tensor lse, int b, int t,
                                          int c, int nh, float scale) {
            long s = timer.start();
            k.backwardFromLogSumExp(dqkv, dout, qkv, out, lse, b, t, c, nh, scale);
            double btc = (double) b * t * c;
            timer.stop(KernelCall.ATTENTION_BACKWARD, s, 4 * attentionProduct(b, t, c), bytes(dqkv, 3 * btc)
                    + bytes(dout, btc) + bytes(qkv, 3 * btc) + bytes(out, btc) + bytes(lse, (double) b * nh * t));
        }

        @Override
        public void forwardAfterPrefix(Tensor out, Tensor qkv, Tensor prefixQkv, int[] prefixStart,
                                       int[] prefixLength, int b, int t, int c, int nh, float scale) {
            long s = timer.start();
            k.forwardAfterPrefix(out, qkv, prefixQkv, prefixStart, prefixLength, b, t, c, nh, scale);
            // Each new position's products with the prefix's keys and values, plus the causal half among its own.
            double prefixKeys = 0;
            for (int i = 0; i < b; i++) {
                prefixKeys += prefixLength[i];
            }
            double btc = (double) b * t * c;
            timer.stop(KernelCall.ATTENTION_FORWARD, s, 2 * attentionProduct(b, t, c) + 4.0 * prefixKeys * t * c,
                    bytes(out, btc) + bytes(qkv, 3 * btc) + bytes(prefixQkv, 2.0 * prefixKeys * c));
        }

        @Override
        public void forwardCached(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int pos, int c, int nh,
                                  float scale) {
            long s = timer.start();
            k.forwardCached(out, qkv, kCache, vCache, pos, c, nh, scale);
            timer.stop(KernelCall.ATTENTION_CACHED, s, 4.0 * c * (pos + 1), bytes(out, c) + bytes(qkv, 3.0 * c)
                    + bytes(kCache, (double) (pos + 1) * c) + bytes(vCache, (double) (pos + 1) * c));
        }

        @Override
        public void forwardCachedBatch(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT,
                                       int pos, int c, int nh, float scale) {
            long s = timer.start();
            k.forwardCachedBatch(out, qkv, kCache, vCache, b, maxT, pos, c, nh, scale);
            timer.stop(KernelCall.ATTENTION_CACHED, s, 4.0 * b * c * (pos + 1), bytes(out, (double) b * c)
                    + bytes(qkv, 3.0 * b * c) + bytes(kCache, (double) b * (pos + 1) * c)
                    + bytes(vCache, (double) b * (pos + 1) * c));
        }

        @Override
        public void forwardCachedPositions(Tensor out, Tensor qkv, Tensor kCache, Tensor vCache, int b, int maxT,
                                           int pos, int positions, int c, int nh, float scale) {
            long s = timer.start();
            k.forwardCachedPositions(out, qkv, kCache, vCache, b, maxT, pos, positions, c, nh, scale);
            // Position pos + j reads pos + j + 1 keys and values: (pos + 1) k + k (k - 1) / 2 rows for k positions.
            double keyRows = (pos + 1.0) * positions + positions * (positions - 1.0) / 2;
            timer.stop(KernelCall.ATTENTION_CACHED, s, 4.0 * b * c * keyRows, bytes(out, (double) positions * b * c)
                    + bytes(qkv, 3.0 * positions * b * c) + bytes(kCache, b * keyRows * c)
                    + bytes(vCache, b * keyRows * c));
        }
    }

    record TimedGelu(GeluKernel k, CallTimer timer) implements GeluKernel {
        @Override
        public void forward(Tensor out, Tensor inp, int n) {
            long s = timer.start();
            k.forward(out, inp, n);
            timer.stop(KernelCall.GELU_FORWARD, s, 0, bytes(out, n) + bytes(inp, n));
        }

        @Override
        public void backward(Tensor dinp, Tensor inp, Tensor dout, int n) {
            long s = timer.start();
            k.backward(dinp, inp, dout, n);
            timer.stop(KernelCall.GELU_BACKWARD, s, 0, bytes(dinp, n) + bytes(inp, n) + bytes(dout, n));
        }
    }

    record TimedResidual(ResidualKernel k, CallTimer timer) implements ResidualKernel {
        @Override
        public void forward(Tensor out, Tensor a, Tensor b, int n) {
            long s = timer.start();
            k.forward(out, a, b, n);
            timer.stop(KernelCall.RESIDUAL_FORWARD, s, 0, bytes(out, n) + bytes(a, n) + bytes(b, n));
        }

        @Override
        public void backward(Tensor da, Tensor db, Tensor dout, int n) {
            long s = timer.start();
            k.backward(da, db, dout, n);
            timer.stop(KernelCall.RESIDUAL_BACKWARD, s, 0, bytes(da, n) + bytes(db, n) + bytes(dout, n));
        }
    }

    record TimedCrossEntropy(CrossEntropyKernel k, CallTimer timer) implements CrossEntropyKernel {
        @Override
        public void forward(Tensor losses, Tensor probs, Tensor logits, int[] targets, int n, int v,
                            float logitScale) {
            long s = timer.start();
            k.forward(losses, probs, logits, targets, n, v, logitScale);
            double nv = (double) n * v;
            timer.stop(KernelCall.CROSS_ENTROPY_FORWARD, s, 0, bytes(losses, n) + bytes(probs, nv)
                    + bytes(logits, nv));
        }

        @Override
        public void backward(Tensor dlogits, Tensor probs, int[] targets, int n, int v, float logitScale,
                             float dloss) {
            long s = timer.start();
            k.backward(dlogits, probs, targets, n, v, logitScale, dloss);
            double nv = (double) n * v;
            timer.stop(KernelCall.CROSS_ENTROPY_BACKWARD, s, 0, bytes(dlogits, nv) + bytes(probs, nv));
        }

        @Override
        public void forwardAndBackward(Tensor losses, Tensor dlogits, Tensor logits, int[] targets, int n, int v,
                                       float logitScale, float dloss) {
            long s = timer.start();
            k.forwardAndBackward(losses, dlogits, logits, targets, n, v, logitScale, dloss);
            double nv = (double) n * v;
            timer.stop(KernelCall.CROSS_ENTROPY_FORWARD_BACKWARD, s, 0, bytes(losses, n) + bytes(dlogits, nv)
                    + bytes(logits, nv));
        }
    }

    record TimedAdamW(AdamWKernel k, CallTimer timer) implements AdamWKernel {
        @Override
        public void update(Tensor params, Tensor grads, Tensor m, Tensor v, int n, float lr, float beta1,
                           float beta2, float eps, float weightDecay, int step) {
            long s = timer.start();
            k.update(params, grads, m, v, n, lr, beta1, beta2, eps, weightDecay, step);
            timer.stop(KernelCall.ADAMW_UPDATE, s, 0, bytes(params, n) + bytes(grads, n) + bytes(m, n)
                    + bytes(v, n));
        }
    }

    record TimedReductions(ReductionKernel k, CallTimer timer) implements ReductionKernel {
        @Override
        public double sumOfSquares(Tensor x, int n) {
            long s = timer.start();
            double r = k.sumOfSquares(x, n);
            timer.stop(KernelCall.SUM_OF_SQUARES, s, 0, bytes(x, n));
            return r;
        }

        @Override
        public void sumsOfSquares(Tensor[] tensors, int[] counts, double[] sums) {
            long s = timer.start();
            k.sumsOfSquares(tensors, counts, sums);
            double read = 0;
            for (int i = 0; i < tensors.length; i++) {
                read += bytes(tensors[i], counts[i]);
            }
            timer.stop(KernelCall.SUM_OF_SQUARES, s, 0, read);
        }

        @Override
        public void scale(Tensor x, int n, float factor) {
            long s = timer.start();
            k.scale(x, n, factor);
            timer.stop(KernelCall.SCALE, s, 0, bytes(x, n));
        }

        @Override
        public void fill(Tensor x, int n, float value) {
            long s = timer.start();
            k.fill(x, n, value);
            timer.stop(KernelCall.FILL, s, 0, bytes(x, n));
        }
    }
}
