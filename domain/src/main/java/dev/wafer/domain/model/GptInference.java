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

import dev.wafer.domain.generate.NextTokenLogits;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * Incremental inference with a key/value cache: the decoder run one position at a time over a model's parameters,
 * keeping every layer's keys and values, so each new token costs one position (a matrix-vector product per weight
 * and one attention row per head) instead of a recomputation of the prefix. The logits it returns already include
 * the parameterisation's output multiplier (muP's 1/m_width), so they are the logits the model samples from.
 *
 * <p>It reads the parameters in place (no copy); they must not change while a sequence is being decoded.
 * Not thread-safe.
 */
public final class GptInference implements NextTokenLogits {
    /** What inference needs from a backend. */
    public static final EnumSet<Capability> REQUIRED = EnumSet.of(Capability.ENCODER, Capability.LAYER_NORM,
            Capability.MATMUL, Capability.ATTENTION, Capability.GELU, Capability.RESIDUAL);

    private final ModelShape shape;
    private final ForwardMultipliers parameterisation;
    private final ParameterSet params;
    private final EncoderKernel encoder;
    private final LayerNormKernel layerNorm;
    private final MatmulKernel matmul;
    private final AttentionKernel attention;
    private final GeluKernel gelu;
    private final ResidualKernel residual;
    private final Tensor x;
    private final Tensor ln;
    private final Tensor mean;
    private final Tensor rstd;
    private final Tensor qkv;
    private final Tensor atty;
    private final Tensor proj;
    private final Tensor fch;
    private final Tensor logits;
    private final Tensor[] keys;
    private final Tensor[] values;
    private final LayerViews p;
    private final int[] token = new int[1];
    private final float[] hostLogits;
    private int position;

    /**
     * Allocates the cache ({@code 2 · L · maxSeq · C} floats) and one position's activations in {@code scope}.
     *
     * @param params the model's parameters (for example {@code GptModel.parameters()}), read in place
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel family
     */
    public GptInference(ComputeBackend backend, TensorScope scope, ParameterSet params, ForwardMultipliers parameterisation) {
        backend.require(REQUIRED);
        this.shape = params.layout().shape();
        this.parameterisation = parameterisation;
        this.params = params;
        this.encoder = backend.encoder();
        this.layerNorm = backend.layerNorm();
        this.matmul = backend.matmul();
        this.attention = backend.attention();
        this.gelu = backend.gelu();
        this.residual = backend.residual();
        int c = shape.dModel();
        this.x = scope.allocate(c);
        this.ln = scope.allocate(c);
        this.mean = scope.allocate(1);
        this.rstd = scope.allocate(1);
        this.qkv = scope.allocate(3L * c);
        this.atty = scope.allocate(c);
        this.proj = scope.allocate(c);
        this.fch = scope.allocate(shape.dFfn());
        this.logits = scope.allocate(shape.vocabSize());
        this.hostLogits = new float[shape.vocabSize()];
        int l = shape.nLayers();
        this.keys = new Tensor[l];
        this.values = new Tensor[l];
        for (int i = 0; i < l; i++) {
            keys[i] = scope.allocate((long) shape.seqLength() * c);
            values[i] = scope.allocate((long) shape.seqLength() * c);
        }
        this.p = new LayerViews(params);
    }

    @Override
    public float[] reset(int[] prompt) {
        if (prompt.length < 1 || prompt.length > shape.seqLength()) {
            throw new IllegalArgumentException("the prompt must hold 1 to " + shape.seqLength() + " tokens, found "
                    + prompt.length);
        }
        position = 0;
        for (int i = 0; i < prompt.length - 1; i++) {
            step(prompt[i], false);
        }
        return step(prompt[prompt.length - 1], true);
    }

    @Override
    public float[] next(int tok) {
        if (position == 0) {
            throw new IllegalStateException("call reset with a prompt before next");
        }
        return step(tok, true);
    }

    @Override
    public int maxSequenceLength() {
        return shape.seqLength();
    }

    /** Positions held in the cache so far. */
    public int position() {
        return position;
    }

    private float[] step(int tok, boolean wantLogits) {
        if (position >= shape.seqLength()) {
            throw new IllegalStateException("the key/value cache is full: all " + shape.seqLength() + " positions are used");
        }
        if (tok < 0 || tok >= shape.vocabSize()) {
            throw new IllegalArgumentException("token id " + tok + " is outside the vocabulary [0, " + shape.vocabSize() + ")");
        }
        int c = shape.dModel();
        int f = shape.dFfn();
        token[0] = tok;
        encoder.forward(x, token, params.get(WTE), params.get(WPE).slice((long) position * c, c), 1, 1, c,
                parameterisation.embeddingMultiplier());
        float scale = parameterisation.attentionScale(shape.dHead());
        for (int l = 0; l < shape.nLayers(); l++) {
            layerNorm.forward(ln, mean, rstd, x, p.get(LN1_WEIGHT, l), p.get(LN1_BIAS, l), 1, c);
            matmul.forward(qkv, ln, p.get(QKV_WEIGHT, l), p.get(QKV_BIAS, l), 1, c, 3 * c);
            attention.forwardCached(atty, qkv, keys[l], values[l], position, c, shape.nHeads(), scale);
            matmul.forward(proj, atty, p.get(ATTN_PROJ_WEIGHT, l), p.get(ATTN_PROJ_BIAS, l), 1, c, c);
            residual.forward(x, x, proj, c);
            layerNorm.forward(ln, mean, rstd, x, p.get(LN2_WEIGHT, l), p.get(LN2_BIAS, l), 1, c);
            matmul.forward(fch, ln, p.get(FC_WEIGHT, l), p.get(FC_BIAS, l), 1, c, f);
            gelu.forward(fch, fch, f);
            matmul.forward(proj, fch, p.get(FC_PROJ_WEIGHT, l), p.get(FC_PROJ_BIAS, l), 1, f, c);
            residual.forward(x, x, proj, c);
        }
        position++;
        if (!wantLogits) {
            return null;
        }
        layerNorm.forward(ln, mean, rstd, x, params.get(LNF_WEIGHT), params.get(LNF_BIAS), 1, c);
        matmul.forward(logits, ln, params.get(WTE), null, 1, c, shape.vocabSize());
        logits.copyToHost(0, hostLogits, 0, hostLogits.length);
        float s = parameterisation.outputLogitMultiplier();
        float[] out = hostLogits.clone();
        if (s != 1f) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= s;
            }
        }
        return out;
    }
}
