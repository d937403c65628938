package dev.wafer.domain.model;

import static dev.wafer.domain.model.ParameterName.LNF_BIAS;
import static dev.wafer.domain.model.ParameterName.LNF_WEIGHT;
import static dev.wafer.domain.model.ParameterName.WPE;
import static dev.wafer.domain.model.ParameterName.WTE;

import dev.wafer.domain.generate.BatchNextTokenLogits;
import dev.wafer.ports.compute.AttentionKernel;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.EncoderKernel;
import dev.wafer.ports.compute.LayerNormKernel;
import dev.wafer.ports.compute.MatmulKernel;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/**
 * Incremental inference with a key/value cache for up to B independent sequences in lockstep: each step runs one
 * position of every sequence through the decoder as a B-row pass (B-row matrix products, one batched cached-attention
 * call per layer), so B sequences cost little more than one on a backend whose products are wider than one row. The
 * logits include the parameterisation's output multiplier. {@link GptInference} is the single-sequence case.
 *
 * <p>It reads the parameters in place (no copy); they must not change while sequences are being decoded.
 * Not thread-safe.
 */
public final class BatchGptInference implements BatchNextTokenLogits {
    private final ModelShape shape;
    private final ForwardMultipliers parameterisation;
    private final ParameterSet params;
    private final EncoderKernel encoder;
    private final LayerNormKernel layerNorm;
    private final MatmulKernel matmul;
    private final AttentionKernel attention;
    private final InferenceBlocks blocks;
    /** Each layer's attention of one position of every sequence against its cache. */
    private final InferenceBlocks.Attention cached;
    private final int maxBatch;
    private final int positions;
    private final Tensor logits;
    private final Tensor[] keys;
    private final Tensor[] values;
    private final float[] hostLogits;
    private int rows;
    private int position;

    /**
     * Allocates the caches ({@code 2 · L · maxBatch · positions · C} floats) and one position's activations for
     * {@code maxBatch} sequences in {@code scope}.
     *
     * @param params    the model's parameters, read in place
     * @param maxBatch  the most sequences decoded at once
     * @param positions positions per sequence, 1 to the model's sequence length (a shorter cache for short decodes)
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel family
     */
    public BatchGptInference(ComputeBackend backend, TensorScope scope, ParameterSet params,
                             ForwardMultipliers parameterisation, int maxBatch, int positions) {
        backend.require(GptInference.REQUIRED);
        this.shape = params.layout().shape();
        if (maxBatch < 1) {
            throw new IllegalArgumentException("the batch must hold at least 1 sequence, found " + maxBatch);
        }
        if (positions < 1 || positions > shape.seqLength()) {
            throw new IllegalArgumentException("positions must be 1 to the model's " + shape.seqLength()
                    + ", found " + positions);
        }
        this.parameterisation = parameterisation;
        this.params = params;
        this.encoder = backend.encoder();
        this.layerNorm = backend.layerNorm();
        this.matmul = backend.matmul();
        this.attention = backend.attention();
        this.maxBatch = maxBatch;
        this.positions = positions;
        long c = shape.dModel();
        this.blocks = new InferenceBlocks(backend, scope, params, maxBatch);
        this.logits = scope.allocate((long) maxBatch * shape.vocabSize());
        this.hostLogits = new float[Math.multiplyExact(maxBatch, shape.vocabSize())];
        int l = shape.nLayers();
        this.keys = new Tensor[l];
        this.values = new Tensor[l];
        for (int i = 0; i < l; i++) {
            keys[i] = scope.allocate(maxBatch * positions * c);
            values[i] = scope.allocate(maxBatch * positions * c);
        }
        this.cached = (layer, qkv, out) -> attention.forwardCachedBatch(out, qkv, keys[layer], values[layer], rows,
                positions, position, shape.dModel(), shape.nHeads(), parameterisation.attentionScale(shape.dHead()));
    }

    @Override
    public float[] reset(int[][] prompts) {
        if (prompts.length < 1 || prompts.length > maxBatch) {
            throw new IllegalArgumentException("expected 1 to " + maxBatch + " prompts, found " + prompts.length);
        }
        int length = prompts[0].length;
        if (length < 1 || length > positions) {
            throw new IllegalArgumentException("the prompt must hold 1 to " + positions + " tokens, found " + length);
        }
        for (int r = 1; r < prompts.length; r++) {
            if (prompts[r].length != length) {
                throw new IllegalArgumentException("prompt " + r + " has " + prompts[r].length
                        + " tokens; every prompt of a batch must have " + length);
            }
        }
        rows = prompts.length;
        position = 0;
        int[] column = new int[rows];
        for (int t = 0; t < length; t++) {
            for (int r = 0; r < rows; r++) {
                column[r] = prompts[r][t];
            }
            step(column, t == length - 1);
        }
        return hostLogits;
    }

    @Override
    public float[] next(int[] tokens) {
        if (position == 0) {
            throw new IllegalStateException("call reset with prompts before next");
        }
        if (tokens.length != rows) {
            throw new IllegalArgumentException("expected one token for each of " + rows + " sequences, found "
                    + tokens.length);
        }
        step(tokens, true);
        return hostLogits;
    }

    @Override
    public int vocabSize() {
        return shape.vocabSize();
    }

    @Override
    public int maxBatch() {
        return maxBatch;
    }

    @Override
    public int maxSequenceLength() {
        return positions;
    }

    /** Positions held in the caches so far. */
    public int position() {
        return position;
    }

    private void step(int[] tokens, boolean wantLogits) {
        if (position >= positions) {
            throw new IllegalStateException("the key/value cache is full: all " + positions + " positions are used");
        }
        for (int r = 0; r < rows; r++) {
            if (tokens[r] < 0 || tokens[r] >= shape.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[r] + " of sequence " + r
                        + " is outside the vocabulary [0, " + shape.vocabSize() + ")");
            }
        }
        int c = shape.dModel();
        int b = rows;
        // B sequences of one position each: the position's embedding row serves every sequence.
        encoder.forward(blocks.x, tokens, params.get(WTE), params.get(WPE).slice((long) position * c, c), b, 1, c,
                parameterisation.embeddingMultiplier());
        blocks.forward(b, blocks.ownQkv, cached);
        position++;
        if (!wantLogits) {
            return;
        }
        int v = shape.vocabSize();
        layerNorm.forward(blocks.ln, blocks.mean, blocks.rstd, blocks.x, params.get(LNF_WEIGHT), params.get(LNF_BIAS),
                b, c);
        matmul.forward(logits, blocks.ln, params.get(WTE), null, b, c, v);
        logits.copyToHost(0, hostLogits, 0, b * v);
        float s = parameterisation.outputLogitMultiplier();
        if (s != 1f) {
            for (int i = 0; i < b * v; i++) {
                hostLogits[i] *= s;
            }
        }
    }
}
