package dev.wafer.domain.model;

import static dev.wafer.domain.model.ParameterName.LNF_BIAS;
import static dev.wafer.domain.model.ParameterName.LNF_WEIGHT;
import static dev.wafer.domain.model.ParameterName.WPE;
import static dev.wafer.domain.model.ParameterName.WTE;

import java.util.EnumSet;

import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.CrossEntropyKernel;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
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
    private final ModelPrecision precision;
    private final CrossEntropyKernel crossEntropy;
    private final DecoderBlocks blocks;
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
        this.crossEntropy = backend.crossEntropy();
        // Per-layer views of the stacked tensors, made once; the QKV backward is float32 under fp32AttentionGrads.
        this.blocks = new DecoderBlocks(shape, parameterisation, precision, act, new LayerViews(params),
                new LayerViews(grads), layerNorm, matmul, precision.fp32AttentionGrads() ? backend.matmul() : matmul,
                new BlockAttention(backend.attention(precision.operands(), precision.fp32AttentionGrads()), act,
                        shape.nHeads()), backend.gelu(), backend.residual());
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

    /**
     * The mean loss, in nats per token, of the first {@code rows} sequences of the last {@link #forward}: a
     * micro-batch filled past what is to be scored counts only its scored rows.
     *
     * @throws IllegalArgumentException if {@code rows} is not in [1, B] or no forward has run
     */
    public double meanLossOfRows(int rows) {
        if (rows < 1 || rows > act.b || !forwardDone) {
            throw new IllegalArgumentException("rows " + rows + " of a micro-batch of " + act.b
                    + (forwardDone ? "" : " before a forward pass"));
        }
        int n = rows * act.t;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += hostLosses[i];
        }
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
            blocks.forward(l, b, t, observer, casts);
        }
        layerNorm.forward(act.lnf, act.lnfMean, act.lnfRstd, act.residual3[shape.nLayers() - 1], params.get(LNF_WEIGHT),
                params.get(LNF_BIAS), n, c);
        if (casts.active()) {
            casts.cast("lnf", -1, act.lnf, n * c, precision.operands() != OperandFormat.FP32);
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
        int v = shape.vocabSize();
        if (Float.isNaN(logitsGradientWeight)) {
            crossEntropy.backward(act.logits, act.logits, lastTargets, n, v, parameterisation.outputLogitMultiplier(),
                    lossWeight);
        }
        if (casts.active()) {
            casts.cast("d_logits", -1, act.logits, n * v, precision.operands() != OperandFormat.FP32);
        }
        matmul.backward(act.dln, grads.get(WTE), null, act.logits, act.lnf, params.get(WTE), n, c, v);
        int last = shape.nLayers() - 1;
        layerNorm.backward(act.dresidual, grads.get(LNF_WEIGHT), grads.get(LNF_BIAS), act.dln, act.residual3[last],
                params.get(LNF_WEIGHT), act.lnfMean, act.lnfRstd, n, c);
        for (int l = last; l >= 0; l--) {
            if (act.recompute && l != last) {
                // The last block's activations are still in the slot from the forward.
                blocks.forward(l, act.b, act.t, ActivationObserver.NONE, CastObserver.NONE);
            }
            blocks.backward(l, casts);
        }
        encoder.backward(grads.get(WTE), grads.get(WPE), act.dresidual, lastTokens, b, t, c,
                parameterisation.embeddingMultiplier());
    }
}
