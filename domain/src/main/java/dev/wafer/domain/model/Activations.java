package dev.wafer.domain.model;

import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * Every buffer one forward/backward of a (B, T) micro-batch needs, allocated once (first touch of fresh memory is
 * expensive) and reused every step. Per-layer activations are kept for the backward; activation gradients are
 * shared between layers because the backward writes them. With activation recomputation only each block's output
 * (the next block's input) is kept per layer, and the block's other activations live in one set of buffers that the
 * forward and the backward's recomputation of each block overwrite ({@link #slot}). The inputs of the linear layers
 * ({@link #ln1}, {@link #atty}, {@link #ln2}, {@link #fchGelu}), the attention's input ({@link #qkv}) and its
 * probabilities ({@link #att}) are stored as {@link ActivationStorage} says.
 */
final class Activations {
    final int b;
    final int t;
    /** Whether the backward recomputes each block's activations from its input (one set of block buffers). */
    final boolean recompute;
    final ActivationStorage storage;
    final Tensor encoded;
    final Tensor[] ln1;
    final Tensor[] ln1Mean;
    final Tensor[] ln1Rstd;
    final Tensor[] qkv;
    final Tensor[] atty;
    /** The saved probabilities (B,NH,T,T) per layer; null with fused attention, which saves {@link #lse}. */
    final Tensor[] att;
    /** Each row's log-sum-exp (B,NH,T) per layer, float32, with fused attention; else null. */
    final Tensor[] lse;
    final Tensor[] attproj;
    final Tensor[] residual2;
    final Tensor[] ln2;
    final Tensor[] ln2Mean;
    final Tensor[] ln2Rstd;
    final Tensor[] fch;
    final Tensor[] fchGelu;
    final Tensor[] fcproj;
    final Tensor[] residual3;
    final Tensor lnf;
    final Tensor lnfMean;
    final Tensor lnfRstd;
    /** Logits, overwritten in place by the probabilities and then by the logit gradient. */
    final Tensor logits;
    final Tensor losses;
    // Gradient buffers, shared by all layers.
    final Tensor dresidual;
    final Tensor dtmp;
    final Tensor dln;
    final Tensor datty;
    final Tensor dqkv;
    final Tensor dfch;

    Activations(TensorScope scope, ModelShape s, int b, int t) {
        this(scope, s, b, t, false);
    }

    Activations(TensorScope scope, ModelShape s, int b, int t, boolean recompute) {
        this(scope, s, b, t, recompute, ActivationStorage.FP32);
    }

    Activations(TensorScope scope, ModelShape s, int b, int t, boolean recompute, ActivationStorage storage) {
        this.b = b;
        this.t = t;
        this.recompute = recompute;
        this.storage = storage;
        OperandFormat sixteen = storage.format();
        // Buffers of a block's inner activations: one set per layer, or one set in all when they are recomputed.
        int l = recompute ? 1 : s.nLayers();
        long n = (long) b * t;
        long c = s.dModel();
        long f = s.dFfn();
        encoded = scope.allocate(n * c);
        ln1 = perLayer(scope, l, n * c, storage.ln1());
        ln1Mean = perLayer(scope, l, n);
        ln1Rstd = perLayer(scope, l, n);
        qkv = perLayer(scope, l, n * 3 * c, sixteen);
        atty = perLayer(scope, l, n * c, sixteen);
        att = storage.fusedAttention() ? null : perLayer(scope, l, (long) b * s.nHeads() * t * t, sixteen);
        lse = storage.fusedAttention() ? perLayer(scope, l, (long) b * s.nHeads() * t) : null;
        attproj = perLayer(scope, l, n * c);
        residual2 = perLayer(scope, l, n * c);
        ln2 = perLayer(scope, l, n * c, sixteen);
        ln2Mean = perLayer(scope, l, n);
        ln2Rstd = perLayer(scope, l, n);
        fch = perLayer(scope, l, n * f);
        fchGelu = perLayer(scope, l, n * f, sixteen);
        fcproj = perLayer(scope, l, n * c);
        residual3 = perLayer(scope, s.nLayers(), n * c);
        lnf = scope.allocate(n * c);
        lnfMean = scope.allocate(n);
        lnfRstd = scope.allocate(n);
        logits = scope.allocate(n * s.vocabSize());
        losses = scope.allocate(n);
        dresidual = scope.allocate(n * c);
        dtmp = scope.allocate(n * c);
        dln = scope.allocate(n * c);
        datty = scope.allocate(n * c);
        dqkv = scope.allocate(n * 3 * c);
        dfch = scope.allocate(n * f);
    }

    /** Index of layer {@code layer}'s inner activations in the per-layer arrays (all but {@link #residual3}). */
    int slot(int layer) {
        return recompute ? 0 : layer;
    }

    /**
     * One tensor per layer, never one for all layers: at seq 2048 x batch 8 the 12 attention matrices of 111M
     * together hold over 2^31 floats, more than one tensor may ({@link ActivationFootprint#largestValues()}).
     */
    private static Tensor[] perLayer(TensorScope scope, int l, long each) {
        return perLayer(scope, l, each, OperandFormat.FP32);
    }

    private static Tensor[] perLayer(TensorScope scope, int l, long each, OperandFormat format) {
        Tensor[] out = new Tensor[l];
        for (int i = 0; i < l; i++) {
            out[i] = scope.allocate(each, format);
        }
        return out;
    }
}
