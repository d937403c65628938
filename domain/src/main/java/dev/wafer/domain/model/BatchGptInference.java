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
 * prompts are prefilled in passes of several positions (up to 512 rows of positions times sequences), so a long
 * prompt costs matrix products of many rows rather than one pass per token. The logits include the
 * parameterisation's output multiplier. {@link GptInference} is the single-sequence case.
 *
 * <p>It reads the parameters in place (no copy); they must not change while sequences are being decoded.
 * Not thread-safe.
 */
public final class BatchGptInference implements BatchNextTokenLogits {
    /**
     * Rows of a prompt's prefill pass (positions times sequences): enough for matrix products to run near the
     * machine's speed, few enough that the pass's activations stay small (about 12 MB at the 111M shape).
     */
    private static final int PREFILL_ROWS = 512;

    private final ModelShape shape;
    private final ForwardMultipliers parameterisation;
    private final ParameterSet params;
    private final EncoderKernel encoder;
    private final LayerNormKernel layerNorm;
    private final MatmulKernel matmul;
    private final AttentionKernel attention;
    private final InferenceBlocks blocks;
    private final int maxBatch;
    private final int positions;
    private final Tensor logits;
    private final Tensor[] keys;
    private final Tensor[] values;
    private final float[] hostLogits;
    /** Rows of a prefill pass: at least the batch, so a pass holds one position of every sequence. */
    private final int prefillRows;
    /**
     * Each layer's attention of a pass of {@link #passPositions} positions from {@link #position}: one batched
     * cached-attention call per position, in order.
     */
    private final InferenceBlocks.Attention cachedAttention;
    private final int[] column;
    private int rows;
    private int position;
    /** Positions in the current or last pass. */
    private int passPositions;

    /**
     * Allocates the caches ({@code 2 · L · maxBatch · positions · C} floats) and the activations of a prefill pass
     * (512 rows, or {@code maxBatch} if more) in {@code scope}.
     *
     * @param params    the model's parameters, read in place
     * @param maxBatch  the most sequences decoded at once
     * @param positions positions per sequence, 1 to the model's sequence length (a shorter cache for short decodes)
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel family
     */
    public BatchGptInference(ComputeBackend backend, TensorScope scope, ParameterSet params,
                             ForwardMultipliers parameterisation, int maxBatch, int positions) {
        this(backend, scope, params, parameterisation, maxBatch, positions, PREFILL_ROWS);
    }

    /**
     * The most sequences one instance can decode at once for {@code shape} and {@code positions}: the largest batch
     * whose logits ({@code batch · vocabulary}), cache ({@code batch · positions · d_model}) and prefill activations
     * ({@code batch · 4 · d_model}) each fit in one tensor of at most 2^31 - 1 values.
     */
    public static int largestBatch(ModelShape shape, int positions) {
        long perSequence = Math.max(shape.vocabSize(), Math.max((long) positions * shape.dModel(),
                4L * shape.dModel()));
        return (int) Math.max(0, Integer.MAX_VALUE / perSequence);
    }

    /** As the public constructor, with prefill passes of at most {@code prefillRows} rows (at least the batch). */
    BatchGptInference(ComputeBackend backend, TensorScope scope, ParameterSet params,
                      ForwardMultipliers parameterisation, int maxBatch, int positions, int prefillRows) {
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
        this.prefillRows = Math.max(maxBatch, prefillRows);
        this.blocks = new InferenceBlocks(backend, scope, params, prefillRows);
        this.column = new int[maxBatch];
        this.logits = scope.allocate((long) maxBatch * shape.vocabSize());
        this.hostLogits = new float[Math.multiplyExact(maxBatch, shape.vocabSize())];
        int l = shape.nLayers();
        this.keys = new Tensor[l];
        this.values = new Tensor[l];
        for (int i = 0; i < l; i++) {
            keys[i] = scope.allocate(maxBatch * positions * c);
            values[i] = scope.allocate(maxBatch * positions * c);
        }
        this.cachedAttention = (layer, qkv, out) -> attention.forwardCachedPositions(out, qkv, keys[layer],
                values[layer], rows, positions, position, passPositions, shape.dModel(), shape.nHeads(),
                parameterisation.attentionScale(shape.dHead()));
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
        for (int r = 0; r < prompts.length; r++) {
            for (int t = 0; t < length; t++) {
                if (prompts[r][t] < 0 || prompts[r][t] >= shape.vocabSize()) {
                    throw new IllegalArgumentException("token id " + prompts[r][t] + " at position " + t
                            + " of prompt " + r + " is outside the vocabulary [0, " + shape.vocabSize() + ")");
                }
            }
        }
        rows = prompts.length;
        position = 0;
        // The prompt in passes of as many positions as fit the prefill rows: matrix products of many rows instead
        // of one position at a time; the last position's logits only.
        int chunk = Math.max(1, prefillRows / rows);
        for (int from = 0; from < length; from += chunk) {
            prefill(prompts, from, Math.min(chunk, length - from));
        }
        logits(blocks.x.slice((long) (passPositions - 1) * rows * shape.dModel(), (long) rows * shape.dModel()));
        return hostLogits;
    }

    /**
     * Positions {@code from .. from + k - 1} of every prompt as one pass of {@code k · rows} rows, position-major
     * (position j's rows are contiguous), its attention one call for all of its positions
     * ({@link dev.wafer.ports.compute.AttentionKernel#forwardCachedPositions}).
     */
    private void prefill(int[][] prompts, int from, int k) {
        for (int j = 0; j < k; j++) {
            for (int r = 0; r < rows; r++) {
                column[r] = prompts[r][from + j];
            }
            embed(j, column);
        }
        pass(k);
    }

    /**
     * Position {@code position + j} of every sequence ({@code tokens}, one per sequence) into rows {@code j · rows}
     * on of the residual stream: the position's embedding row serves every sequence.
     */
    private void embed(int j, int[] tokens) {
        int c = shape.dModel();
        encoder.forward(blocks.x.slice((long) j * rows * c, (long) rows * c), tokens, params.get(WTE),
                params.get(WPE).slice((long) (position + j) * c, c), rows, 1, c,
                parameterisation.embeddingMultiplier());
    }

    /** The blocks over the {@code k · rows} embedded rows of the residual stream, {@code k} positions on. */
    private void pass(int k) {
        passPositions = k;
        blocks.forward(k * rows, blocks.ownQkv, cachedAttention);
        position += k;
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
        step(tokens);
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

    private void checkTokens(int[] tokens) {
        for (int r = 0; r < rows; r++) {
            if (tokens[r] < 0 || tokens[r] >= shape.vocabSize()) {
                throw new IllegalArgumentException("token id " + tokens[r] + " of sequence " + r
                        + " is outside the vocabulary [0, " + shape.vocabSize() + ")");
            }
        }
    }

    private void step(int[] tokens) {
        if (position >= positions) {
            throw new IllegalStateException("the key/value cache is full: all " + positions + " positions are used");
        }
        checkTokens(tokens);
        embed(0, tokens);
        pass(1);
        logits(blocks.x);
    }

    /** The logits of the {@link #rows} rows of the residual stream {@code last} into {@link #hostLogits}. */
    private void logits(Tensor last) {
        int c = shape.dModel();
        int b = rows;
        int v = shape.vocabSize();
        layerNorm.forward(blocks.ln, blocks.mean, blocks.rstd, last, params.get(LNF_WEIGHT), params.get(LNF_BIAS), b,
                c);
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
