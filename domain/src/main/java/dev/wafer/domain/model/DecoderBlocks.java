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
import static dev.wafer.domain.model.ParameterName.QKV_BIAS;
import static dev.wafer.domain.model.ParameterName.QKV_WEIGHT;

import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;

/**
 * The transformer blocks of a {@link GptModel}, forward and backward, one block at a time over the model's
 * activations: pre-LayerNorm attention and MLP, each added to the residual stream. The model runs them in order and
 * owns what surrounds them (embeddings, final LayerNorm, LM head, loss) and the order of recomputation.
 */
final class DecoderBlocks {
    private final ModelShape shape;
    private final ForwardMultipliers parameterisation;
    private final ModelPrecision precision;
    private final Activations act;
    private final LayerViews p;
    private final LayerViews g;
    private final LayerNormKernel layerNorm;
    private final MatmulKernel matmul;
    /** The QKV projection's backward: float32 under {@link ModelPrecision#fp32AttentionGrads()}. */
    private final MatmulKernel qkvBackward;
    private final BlockAttention attention;
    private final GeluKernel gelu;
    private final ResidualKernel residual;

    DecoderBlocks(ModelShape shape, ForwardMultipliers parameterisation, ModelPrecision precision, Activations act,
                  LayerViews p, LayerViews g, LayerNormKernel layerNorm, MatmulKernel matmul,
                  MatmulKernel qkvBackward, BlockAttention attention, GeluKernel gelu, ResidualKernel residual) {
        this.shape = shape;
        this.parameterisation = parameterisation;
        this.precision = precision;
        this.act = act;
        this.p = p;
        this.g = g;
        this.layerNorm = layerNorm;
        this.matmul = matmul;
        this.qkvBackward = qkvBackward;
        this.attention = attention;
        this.gelu = gelu;
        this.residual = residual;
    }

    /** Block {@code l}'s input: the embeddings for the first block, else the previous block's output. */
    private Tensor input(int l) {
        return l == 0 ? act.encoded : act.residual3[l - 1];
    }

    private boolean mixed() {
        return precision.operands() != OperandFormat.FP32;
    }

    /**
     * Block {@code l}'s forward over a {@code b} x {@code t} micro-batch from its input into its slot of the
     * activations and its output {@code residual3[l]}. The backward's recomputation passes the observers' NONE, so
     * that they do not see a block twice.
     */
    void forward(int l, int b, int t, ActivationObserver seen, CastObserver casts) {
        int n = b * t;
        int c = shape.dModel();
        int f = shape.dFfn();
        int s = act.slot(l);
        float scale = parameterisation.attentionScale(shape.dHead());
        boolean watch = casts.active();
        boolean mixed = mixed();
        Tensor in = input(l);
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
     * Block {@code l}'s backward, its forward activations in its slot: takes the gradient of its output in
     * {@code dresidual}, accumulates its parameters' gradients and leaves the gradient of its input in
     * {@code dresidual}.
     */
    void backward(int l, CastObserver casts) {
        int b = act.b;
        int t = act.t;
        int n = b * t;
        int c = shape.dModel();
        int f = shape.dFfn();
        int s = act.slot(l);
        float scale = parameterisation.attentionScale(shape.dHead());
        boolean watch = casts.active();
        boolean mixed = mixed();
        boolean qkvMixed = mixed && !precision.fp32AttentionGrads();
        Tensor in = input(l);
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
}
