package dev.wafer.domain.model;

import static dev.wafer.domain.model.ParameterName.ATTN_PROJ_BIAS;
import static dev.wafer.domain.model.ParameterName.ATTN_PROJ_WEIGHT;
import static dev.wafer.domain.model.ParameterName.FC_BIAS;
import static dev.wafer.domain.model.ParameterName.FC_PROJ_BIAS;
import static dev.wafer.domain.model.ParameterName.FC_PROJ_WEIGHT;
import static dev.wafer.domain.model.ParameterName.FC_WEIGHT;
import static dev.wafer.domain.model.ParameterName.LN1_BIAS;
import static dev.wafer.domain.model.ParameterName.LN1_WEIGHT;
import static dev.wafer.domain.model.ParameterName.LN2_BIAS;
import static dev.wafer.domain.model.ParameterName.LN2_WEIGHT;
import static dev.wafer.domain.model.ParameterName.LNF_BIAS;
import static dev.wafer.domain.model.ParameterName.LNF_WEIGHT;
import static dev.wafer.domain.model.ParameterName.QKV_BIAS;
import static dev.wafer.domain.model.ParameterName.QKV_WEIGHT;
import static dev.wafer.domain.model.ParameterName.WPE;
import static dev.wafer.domain.model.ParameterName.WTE;

import java.util.EnumSet;

import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The decoder, forward and backward, for micro-batches of a fixed (B, T). Parameters and gradients are each one
 * flat {@link ParameterSet}; {@link #backward} accumulates into the gradients (zero them per optimizer step with
 * {@link #zeroGradients}), so gradient accumulation is just several forward/backward pairs.
 * Not thread-safe: one training loop drives it.
 */
public final class GptModel {
    /** What the model needs from a backend; checked up front. */
    public static final EnumSet<Capability> REQUIRED = EnumSet.of(Capability.ENCODER, Capability.LAYER_NORM,
            Capability.MATMUL, Capability.ATTENTION, Capability.GELU, Capability.RESIDUAL,
            Capability.SOFTMAX_CROSS_ENTROPY, Capability.REDUCTIONS);

    private final ModelShape shape;
    private final ForwardMultipliers parameterisation;
    private final ComputeBackend backend;
    private final ParameterSet params;
    private final ParameterSet grads;
    private final Activations act;
    private final float[] hostLosses;
    private final EncoderKernel encoder;
    private final LayerNormKernel layerNorm;
    private final MatmulKernel matmul;
    /** The QKV projection's backward: float32 under {@link ModelPrecision#fp32AttentionGrads()}. */
    private final MatmulKernel qkvBackward;
    private final BlockAttention attention;
    private final ModelPrecision precision;
    private final GeluKernel gelu;
    private final ResidualKernel residual;
    private final CrossEntropyKernel crossEntropy;
    // Per-layer views of the stacked tensors, made once.
    private final LayerViews p;
    private final LayerViews g;
    private int[] lastTokens;
    private int[] lastTargets;
    private boolean forwardDone;
    /** The loss weight whose logits' gradient the last forward computed with the loss; NaN when it did not. */
    private float logitsGradientWeight = Float.NaN;
    private ActivationObserver observer = ActivationObserver.NONE;
    private CastObserver casts = CastObserver.NONE;
    private final LogitsReadout readout;

    /**
     * Allocates parameters (zero), gradients and activations for micro-batches of {@code batch} x {@code seq}.
     *
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel family
     * @throws IllegalArgumentException if {@code seq} exceeds the learned positions
     */
    public GptModel(ComputeBackend backend, TensorScope scope, ModelShape shape, ForwardMultipliers parameterisation,
                    int batch, int seq) {
        this(backend, scope, shape, parameterisation, batch, seq, ModelPrecision.FP32);
    }

    /**
     * As {@link #GptModel(ComputeBackend, TensorScope, ModelShape, ForwardMultipliers, int, int)}, with the matrix
     * products' operands rounded as {@code precision} says (parameters and gradients stay float32; the linear layers'
     * inputs are stored as {@link ActivationStorage#choose} says, the other activations in float32).
     *
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel family or the
     *                                                            precision's capability, before anything is allocated
     */
    public GptModel(ComputeBackend backend, TensorScope scope, ModelShape shape, ForwardMultipliers parameterisation,
                    int batch, int seq, ModelPrecision precision) {
        this(backend, scope, shape, parameterisation, batch, seq, precision, false);
    }

    /**
     * As {@link #GptModel(ComputeBackend, TensorScope, ModelShape, ForwardMultipliers, int, int, ModelPrecision)};
     * with {@code recompute} (activation checkpointing per block) the forward keeps only each block's input and the
     * backward runs each block's forward again before its backward: the same kernels on the same inputs, so the
     * same gradients, for one more forward pass of the blocks and far less activation memory
     * ({@link ActivationFootprint#of(ModelShape, int, int, boolean)}).
     */
    public GptModel(ComputeBackend backend, TensorScope scope, ModelShape shape, ForwardMultipliers parameterisation,
                    int batch, int seq, ModelPrecision precision, boolean recompute) {
        backend.require(REQUIRED);
        if (precision.operands().capability() != null) {
            backend.require(EnumSet.of(precision.operands().capability()));
        }
        if (batch < 1 || seq < 1 || seq > shape.seqLength()) {
            throw new IllegalArgumentException("micro-batch " + batch + "x" + seq + " does not fit " + shape);
        }
        this.shape = shape;
        this.parameterisation = parameterisation;
        this.backend = backend;
        ParameterLayout layout = new ParameterLayout(shape);
        this.params = new ParameterSet(layout, scope);
        this.grads = new ParameterSet(layout, scope);
        this.act = new Activations(scope, shape, batch, seq, recompute,
                ActivationStorage.choose(backend.name(), backend.capabilities(), precision, shape.dHead()));
        this.hostLosses = new float[batch * seq];
        this.encoder = backend.encoder();
        this.layerNorm = backend.layerNorm();
        this.precision = precision;
        this.matmul = backend.matmul(precision.operands());
        this.qkvBackward = precision.fp32AttentionGrads() ? backend.matmul() : matmul;
        this.attention = new BlockAttention(backend.attention(precision.operands(), precision.fp32AttentionGrads()), act,
                shape.nHeads());
        this.gelu = backend.gelu();
        this.residual = backend.residual();
        this.crossEntropy = backend.crossEntropy();
        this.p = new LayerViews(params);
        this.g = new LayerViews(grads);
        this.readout = new LogitsReadout(this, act, params, matmul, crossEntropy);
    }

    /** The model shape. */
    public ModelShape shape() {
        return shape;
    }

    /** The forward multipliers of the model's parameterisation. */
    public ForwardMultipliers multipliers() {
        return parameterisation;
    }

    /** The parameters, one flat tensor with named views. */
    public ParameterSet parameters() {
        return params;
    }

    /** The parameter gradients, same layout as the parameters; accumulated by backward. */
    public ParameterSet gradients() {
        return grads;
    }

    /** The backend all kernels run on. */
    public ComputeBackend backend() {
        return backend;
    }

    /** Sequence length T of a micro-batch. */
    public int sequenceLength() {
        return act.t;
    }

    /** Tokens per micro-batch, B·T. */
    public int tokensPerMicroBatch() {
        return act.b * act.t;
    }

    /**
     * Installs a diagnostic observer of the layer outputs of every later forward pass ({@code null} removes it).
     * The default observes nothing and costs nothing.
     */
    public void setActivationObserver(ActivationObserver observer) {
        this.observer = observer == null ? ActivationObserver.NONE : observer;
    }

    /** How the matrix products round their operands. */
    public ModelPrecision precision() {
        return precision;
    }

    /**
     * How the linear layers' inputs, {@code qkv} and the attention probabilities are stored: bf16 in a bf16 run on a
     * backend with {@link Capability#BF16_STORAGE} (unless the precision keeps them float32), else float32 and why.
     */
    public ActivationStorage activationStorage() {
        return act.storage;
    }

    /**
     * Installs a diagnostic observer of the tensors rounded to 16 bits in every later forward and backward pass
     * ({@code null} removes it). The default observes nothing.
     */
    public void setCastObserver(CastObserver observer) {
        if (observer != null && act.storage.fusedAttention()) {
            // The score-gradient observation reads the saved probabilities, which fused attention does not keep.
            throw new IllegalStateException("cast observation needs the attention probabilities, and this model's"
                    + " fused attention saves none: build it with float32 activations"
                    + " (ModelPrecision.withFloat32Activations)");
        }
        this.casts = observer == null ? CastObserver.NONE : observer;
    }

    /** Sets every gradient to zero. */
    public void zeroGradients() {
        backend.reductions().fill(grads.flat(), (int) grads.flat().length(), 0f);
    }

    /** Runs the forward up to the (unscaled) logits and returns a host copy; for tests and inspection. */
    public float[] logits(int[] tokens) {
        forwardToLogits(tokens);
        return act.logits.toHost();
    }

    /** Checks a smaller micro-batch of {@code rows} x {@code t} tokens against the allocated buffers. */
    void checkSubBatch(int[] tokens, int rows, int t) {
        ModelInputChecks.subBatch(tokens, rows, t, act.b, act.t, shape.vocabSize());
        forwardDone = false;
    }

    /** The scoring passes over this model's buffers (batched requests, listed positions, one logits row at a time). */
    LogitsReadout readout() {
        return readout;
    }

    /**
     * Forward pass with targets: returns the mean loss over the micro-batch in nats per token.
     *
     * @param tokens B·T input ids
     * @param targets B·T next-token ids
     */
    public double forward(int[] tokens, int[] targets) {
        return forwardWithLoss(tokens, targets, Float.NaN);
    }

    /**
     * {@link #forward(int[], int[])} for a training step that knows its loss weight: the loss and the logits'
     * gradient for {@link #backward(float) backward(lossWeight)} come from one cross-entropy call
     * ({@link CrossEntropyKernel#forwardAndBackward}), which a backend may run with one pass over the logits fewer.
     * The backward must then be given the same weight.
     *
     * @param lossWeight the weight the backward will take, e.g. {@code 1/(B·T·microSteps)}; finite
     * @throws IllegalArgumentException if {@code lossWeight} is not finite
     */
    public double forward(int[] tokens, int[] targets, float lossWeight) {
        if (!Float.isFinite(lossWeight)) {
            throw new IllegalArgumentException("loss weight must be finite, not " + lossWeight);
        }
        return forwardWithLoss(tokens, targets, lossWeight);
    }

    /** The forward with targets; with a loss weight (not NaN) the logits' gradient in the same call. */
    private double forwardWithLoss(int[] tokens, int[] targets, float lossWeight) {
        int n = act.b * act.t;
        ModelInputChecks.exactIds(targets, n, shape.vocabSize(), "target");
        forwardToLogits(tokens);
        if (Float.isNaN(lossWeight)) {
            crossEntropy.forward(act.losses, act.logits, act.logits, targets, n, shape.vocabSize(),
                    parameterisation.outputLogitMultiplier());
        } else {
            crossEntropy.forwardAndBackward(act.losses, act.logits, act.logits, targets, n, shape.vocabSize(),
                    parameterisation.outputLogitMultiplier(), lossWeight);
        }
        logitsGradientWeight = lossWeight;
        act.losses.copyToHost(0, hostLosses, 0, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += hostLosses[i];
        }
        lastTargets = targets;
        forwardDone = true;
        return sum / n;
    }

    /** Encoder, layers and final layer norm of a b x t micro-batch (the allocated one, or a smaller one). */
    void forwardToLnf(int[] tokens, int b, int t) {
        int n = b * t;
        int c = shape.dModel();
        encoder.forward(act.encoded, tokens, params.get(WTE), params.get(WPE), b, t, c,
                parameterisation.embeddingMultiplier());
        observer.observe(ActivationObserver.Site.EMBEDDING, -1, act.encoded, n * c, 1f);
        for (int l = 0; l < shape.nLayers(); l++) {
            blockForward(l, b, t, true);
        }
        layerNorm.forward(act.lnf, act.lnfMean, act.lnfRstd, act.residual3[shape.nLayers() - 1], params.get(LNF_WEIGHT),
                params.get(LNF_BIAS), n, c);
        if (casts.active()) {
            casts.cast("lnf", -1, act.lnf, n * c, precision.operands() != dev.wafer.ports.compute.OperandFormat.FP32);
        }
    }

    private void forwardToLogits(int[] tokens) {
        int n = act.b * act.t;
        ModelInputChecks.exactIds(tokens, n, shape.vocabSize(), "token");
        forwardDone = false;
        forwardToLnf(tokens, act.b, act.t);
        int c = shape.dModel();
        // Tied LM head: logits = lnf · wteᵀ (no bias); the muP logit multiplier is applied inside the loss.
        matmul.forward(act.logits, act.lnf, params.get(WTE), null, n, c, shape.vocabSize());
        observer.observe(ActivationObserver.Site.LOGITS, -1, act.logits, n * shape.vocabSize(),
                parameterisation.outputLogitMultiplier());
        lastTokens = tokens;
    }

    /**
     * Block {@code l}'s forward over a {@code b} x {@code t} micro-batch from its input into its slot of the
     * activations and its output {@code residual3[l]}; {@code observe} is false for the backward's recomputation, which the observers must not see twice.
     */
    private void blockForward(int l, int b, int t, boolean observe) {
        int n = b * t;
        int c = shape.dModel();
        int f = shape.dFfn();
        int s = act.slot(l);
        float scale = parameterisation.attentionScale(shape.dHead());
        boolean watch = observe && casts.active();
        boolean mixed = precision.operands() != dev.wafer.ports.compute.OperandFormat.FP32;
        ActivationObserver seen = observe ? observer : ActivationObserver.NONE;
        Tensor in = l == 0 ? act.encoded : act.residual3[l - 1];
        layerNorm.forward(act.ln1[s], act.ln1Mean[s], act.ln1Rstd[s], in, p.get(LN1_WEIGHT, l), p.get(LN1_BIAS, l), n,
                c);
        if (watch) {
            casts.cast("ln1", l, act.ln1[s], n * c, mixed);
        }
        matmul.forward(act.qkv[s], act.ln1[s], p.get(QKV_WEIGHT, l), p.get(QKV_BIAS, l), n, c, 3 * c);
        if (watch) {
            casts.cast("qkv", l, act.qkv[s], n * 3 * c, mixed);
        }
        attention.forward(s, b, t, c, scale);
        if (watch) {
            casts.cast("atty", l, act.atty[s], n * c, mixed);
        }
        matmul.forward(act.attproj[s], act.atty[s], p.get(ATTN_PROJ_WEIGHT, l), p.get(ATTN_PROJ_BIAS, l), n, c, c);
        seen.observe(ActivationObserver.Site.ATTENTION, l, act.attproj[s], n * c, 1f);
        residual.forward(act.residual2[s], in, act.attproj[s], n * c);
        layerNorm.forward(act.ln2[s], act.ln2Mean[s], act.ln2Rstd[s], act.residual2[s], p.get(LN2_WEIGHT, l),
                p.get(LN2_BIAS, l), n, c);
        if (watch) {
            casts.cast("ln2", l, act.ln2[s], n * c, mixed);
        }
        matmul.forward(act.fch[s], act.ln2[s], p.get(FC_WEIGHT, l), p.get(FC_BIAS, l), n, c, f);
        gelu.forward(act.fchGelu[s], act.fch[s], n * f);
        if (watch) {
            casts.cast("fc_gelu", l, act.fchGelu[s], n * f, mixed);
        }
        matmul.forward(act.fcproj[s], act.fchGelu[s], p.get(FC_PROJ_WEIGHT, l), p.get(FC_PROJ_BIAS, l), n, f, c);
        seen.observe(ActivationObserver.Site.MLP, l, act.fcproj[s], n * c, 1f);
        residual.forward(act.residual3[l], act.residual2[s], act.fcproj[s], n * c);
    }

    /**
     * Backward of the last {@link #forward}: accumulates into {@link #gradients()} the gradient of
     * {@code lossWeight · Σ_tokens loss}; pass {@code 1/(B·T·microSteps)} for a mean over an accumulated batch.
     */
    public void backward(float lossWeight) {
        if (!forwardDone) {
            throw new IllegalStateException("backward needs a forward with targets first");
        }
        if (!Float.isNaN(logitsGradientWeight) && Float.compare(logitsGradientWeight, lossWeight) != 0) {
            throw new IllegalArgumentException("backward with loss weight " + lossWeight + " after a forward that"
                    + " computed the logits' gradient for weight " + logitsGradientWeight);
        }
        forwardDone = false;
        int b = act.b;
        int t = act.t;
        int n = b * t;
        int c = shape.dModel();
        int f = shape.dFfn();
        int v = shape.vocabSize();
        if (Float.isNaN(logitsGradientWeight)) {
            crossEntropy.backward(act.logits, act.logits, lastTargets, n, v, parameterisation.outputLogitMultiplier(),
                    lossWeight);
        }
        boolean watch = casts.active();
        boolean mixed = precision.operands() != dev.wafer.ports.compute.OperandFormat.FP32;
        boolean qkvMixed = mixed && !precision.fp32AttentionGrads();
        if (watch) {
            casts.cast("d_logits", -1, act.logits, n * v, mixed);
        }
        matmul.backward(act.dln, grads.get(WTE), null, act.logits, act.lnf, params.get(WTE), n, c, v);
        int last = shape.nLayers() - 1;
        layerNorm.backward(act.dresidual, grads.get(LNF_WEIGHT), grads.get(LNF_BIAS), act.dln, act.residual3[last],
                params.get(LNF_WEIGHT), act.lnfMean, act.lnfRstd, n, c);
        float scale = parameterisation.attentionScale(shape.dHead());
        for (int l = last; l >= 0; l--) {
            Tensor in = l == 0 ? act.encoded : act.residual3[l - 1];
            int s = act.slot(l);
            if (act.recompute && l != last) {
                blockForward(l, act.b, act.t, false); // the last block's activations are still in the slot from the forward
            }
            // residual3 = residual2 + fcproj: both receive dresidual.
            if (watch) {
                casts.cast("d_fcproj", l, act.dresidual, n * c, mixed);
            }
            matmul.backward(act.dfch, g.get(FC_PROJ_WEIGHT, l), g.get(FC_PROJ_BIAS, l), act.dresidual, act.fchGelu[s],
                    p.get(FC_PROJ_WEIGHT, l), n, f, c);
            gelu.backward(act.dfch, act.fch[s], act.dfch, n * f);
            if (watch) {
                casts.cast("d_fc", l, act.dfch, n * f, mixed);
            }
            matmul.backward(act.dln, g.get(FC_WEIGHT, l), g.get(FC_BIAS, l), act.dfch, act.ln2[s], p.get(FC_WEIGHT, l),
                    n, c, f);
            layerNorm.backward(act.dtmp, g.get(LN2_WEIGHT, l), g.get(LN2_BIAS, l), act.dln, act.residual2[s],
                    p.get(LN2_WEIGHT, l), act.ln2Mean[s], act.ln2Rstd[s], n, c);
            residual.forward(act.dresidual, act.dresidual, act.dtmp, n * c);
            // residual2 = in + attproj: both receive dresidual.
            if (watch) {
                casts.cast("d_attproj", l, act.dresidual, n * c, mixed);
            }
            matmul.backward(act.datty, g.get(ATTN_PROJ_WEIGHT, l), g.get(ATTN_PROJ_BIAS, l), act.dresidual, act.atty[s],
                    p.get(ATTN_PROJ_WEIGHT, l), n, c, c);
            if (watch) {
                casts.cast("d_atty", l, act.datty, n * c, mixed);
                casts.scoreGradients(l, act.att[s], act.datty, act.qkv[s], b, t, c, shape.nHeads(), scale, qkvMixed);
            }
            attention.backward(s, b, t, c, scale);
            if (watch) {
                casts.cast("d_qkv", l, act.dqkv, n * 3 * c, qkvMixed);
            }
            qkvBackward.backward(act.dln, g.get(QKV_WEIGHT, l), g.get(QKV_BIAS, l), act.dqkv, act.ln1[s],
                    p.get(QKV_WEIGHT, l), n, c, 3 * c);
            layerNorm.backward(act.dtmp, g.get(LN1_WEIGHT, l), g.get(LN1_BIAS, l), act.dln, in, p.get(LN1_WEIGHT, l),
                    act.ln1Mean[s], act.ln1Rstd[s], n, c);
            residual.forward(act.dresidual, act.dresidual, act.dtmp, n * c);
        }
        encoder.backward(grads.get(WTE), grads.get(WPE), act.dresidual, lastTokens, b, t, c,
                parameterisation.embeddingMultiplier());
    }
}
