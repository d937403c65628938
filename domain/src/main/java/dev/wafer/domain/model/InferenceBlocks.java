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

import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.GeluKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.ResidualKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * The decoder blocks for inference (nothing kept for a backward), over up to {@code maxPositions} positions of the
 * residual stream {@link #x}: one set of buffers reused by every layer. The caller says where each layer's fused
 * Q, K, V go and how they attend (cached decoding, or after a kept prefix); the rest of a block is the same for
 * all: pre-LayerNorm attention and MLP, each added to the residual stream in place.
 */
final class InferenceBlocks {
    /** Where layer {@code l}'s fused Q, K, V are written. */
    @FunctionalInterface
    interface QkvTarget {
        Tensor of(int layer);
    }

    /** Layer {@code l}'s attention of {@code qkv} into {@code out}. */
    @FunctionalInterface
    interface Attention {
        void attend(int layer, Tensor qkv, Tensor out);
    }

    private final ModelShape shape;
    private final LayerViews p;
    private final LayerNormKernel layerNorm;
    private final MatmulKernel matmul;
    private final GeluKernel gelu;
    private final ResidualKernel residual;
    /** The residual stream: the embeddings in, the last block's output out. */
    final Tensor x;
    /** A LayerNorm's output, its means and reciprocal deviations: also free for the caller's final LayerNorm. */
    final Tensor ln;
    final Tensor mean;
    final Tensor rstd;
    private final Tensor qkv;
    private final Tensor atty;
    private final Tensor proj;
    private final Tensor fch;

    InferenceBlocks(ComputeBackend backend, TensorScope scope, ParameterSet params, long maxPositions) {
        this.shape = params.layout().shape();
        this.p = new LayerViews(params);
        this.layerNorm = backend.layerNorm();
        this.matmul = backend.matmul();
        this.gelu = backend.gelu();
        this.residual = backend.residual();
        long c = shape.dModel();
        this.x = scope.allocate(maxPositions * c);
        this.ln = scope.allocate(maxPositions * c);
        this.mean = scope.allocate(maxPositions);
        this.rstd = scope.allocate(maxPositions);
        this.qkv = scope.allocate(3 * maxPositions * c);
        this.atty = scope.allocate(maxPositions * c);
        this.proj = scope.allocate(maxPositions * c);
        this.fch = scope.allocate(maxPositions * shape.dFfn());
        this.ownQkv = l -> this.qkv;
    }

    /** This object's own Q, K, V buffer for every layer. */
    final QkvTarget ownQkv;

    /** Every block over the first {@code n} positions of {@link #x}. */
    void forward(int n, QkvTarget target, Attention attention) {
        int c = shape.dModel();
        int f = shape.dFfn();
        for (int l = 0; l < shape.nLayers(); l++) {
            Tensor q = target.of(l);
            layerNorm.forward(ln, mean, rstd, x, p.get(LN1_WEIGHT, l), p.get(LN1_BIAS, l), n, c);
            matmul.forward(q, ln, p.get(QKV_WEIGHT, l), p.get(QKV_BIAS, l), n, c, 3 * c);
            attention.attend(l, q, atty);
            matmul.forward(proj, atty, p.get(ATTN_PROJ_WEIGHT, l), p.get(ATTN_PROJ_BIAS, l), n, c, c);
            residual.forward(x, x, proj, n * c);
            layerNorm.forward(ln, mean, rstd, x, p.get(LN2_WEIGHT, l), p.get(LN2_BIAS, l), n, c);
            matmul.forward(fch, ln, p.get(FC_WEIGHT, l), p.get(FC_BIAS, l), n, c, f);
            gelu.forward(fch, fch, n * f);
            matmul.forward(proj, fch, p.get(FC_PROJ_WEIGHT, l), p.get(FC_PROJ_BIAS, l), n, f, c);
            residual.forward(x, x, proj, n * c);
        }
    }
}
