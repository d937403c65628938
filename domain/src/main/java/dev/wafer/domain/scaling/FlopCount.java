package dev.wafer.domain.scaling;

import dev.wafer.domain.model.ModelShape;
/**
 * Floating-point operations as in the paper's Appendix F (Table 13): the Chinchilla-style count plus the
 * softmax(QK^T)V product, LayerNorm and GELU terms, times three for the backward pass, minus the embedding
 * terms (embeddings pass no gradient further back). The feed-forward terms use {@code d_ffn}; with
 * {@code d_ffn = 4 d_model} they equal the paper's {@code 16 S d^2} and {@code 20 * 4 S d}.
 */
public final class FlopCount {
    private FlopCount() {
    }

    /** Forward FLOPs of one sequence of {@code seqLength} tokens (the paper's inference count). */
    public static double inferencePerSequence(ModelShape s) {
        return forwardTerms(s).total();
    }

    /** Forward plus backward FLOPs of one training sequence. */
    public static double trainingPerSequence(ModelShape s) {
        Terms t = forwardTerms(s);
        return 3 * t.total() - t.embeddings - t.positionEmbeddings;
    }

    /** Training FLOPs per token of sequences as long as the model's positions ({@code s.seqLength()}). */
    public static double trainingPerToken(ModelShape s) {
        return trainingPerSequence(s) / s.seqLength();
    }

    /**
     * Training FLOPs per token of sequences of {@code seqLength} tokens on model {@code s}, which may have more
     * positions (a preset's 2048 trained with a shorter {@code --seq}): the attention terms grow with the sequence
     * trained, not with the positions the model could take.
     *
     * @throws IllegalArgumentException if {@code seqLength} is not in [1, the model's positions]
     */
    public static double trainingPerToken(ModelShape s, int seqLength) {
        if (seqLength < 1 || seqLength > s.seqLength()) {
            throw new IllegalArgumentException("sequence length must be in [1, " + s.seqLength() + "], found "
                    + seqLength);
        }
        return trainingPerToken(s.withSeqLength(seqLength));
    }

    /**
     * The FLOPs of the matrix products one training step executes per token, not the paper's count: the linear
     * layers (QKV, attention projection, both feed-forward layers) and the tied LM head, forward and the two
     * backward products (x3), plus the attention products {@code QK^T} and {@code PV} over the causal half only
     * (row {@code i} sees {@code i + 1} keys: {@code (T+1)/2} on average) and their four backward products. No
     * embedding lookup, softmax, LayerNorm or GELU terms. Against a GEMM peak this is the share of the machine the
     * step's products get; {@link #trainingPerToken} (Appendix F) also counts work that is not a product (the
     * embeddings as a one-hot product, the full {@code T x T} attention, element-wise terms) and can exceed it.
     */
    public static double matrixProductsTrainingPerToken(ModelShape s) {
        return 3 * (s.nLayers() * blockForwardProductsPerToken(s) + 2.0 * s.dModel() * s.vocabSize());
    }

    /**
     * As {@link #matrixProductsTrainingPerToken(ModelShape)}, for a step that recomputes activations when
     * {@code recompute} is set: the backward then runs the forward of every block but the last once more (the last
     * block's activations are still held from the forward), so its forward products count again. Appendix F's count
     * ({@link #trainingPerToken}) stays the same: recomputation is not work the model needs.
     */
    public static double matrixProductsTrainingPerToken(ModelShape s, boolean recompute) {
        double recomputed = recompute ? (s.nLayers() - 1) * blockForwardProductsPerToken(s) : 0;
        return matrixProductsTrainingPerToken(s) + recomputed;
    }

    /** The forward products of one block per token: its four linear layers and the causal half of attention. */
    private static double blockForwardProductsPerToken(ModelShape s) {
        double d = s.dModel();
        double width = (double) s.dHead() * s.nHeads();
        double linear = 2 * (3 * d * width + width * d + 2 * d * s.dFfn());
        double causalKeys = (s.seqLength() + 1) / 2.0;
        return linear + 2 * 2 * width * causalKeys;
    }

    /** Inference FLOPs per token (a full-context forward pass, as the paper counts it). */
    public static double inferencePerToken(ModelShape s) {
        return inferencePerSequence(s) / s.seqLength();
    }

    /** Training FLOPs of a run over {@code tokens} tokens packed into full sequences. */
    public static double trainingRun(ModelShape s, double tokens) {
        if (!(tokens >= 0)) {
            throw new IllegalArgumentException("tokens must be >= 0, found " + tokens);
        }
        return trainingPerToken(s) * tokens;
    }

    private static Terms forwardTerms(ModelShape s) {
        double v = s.vocabSize();
        double d = s.dModel();
        double layers = s.nLayers();
        double seq = s.seqLength();
        double attnWidth = (double) s.dHead() * s.nHeads();
        double ffn = s.dFfn();

        Terms t = new Terms();
        t.embeddings = 2 * seq * v * d;
        t.positionEmbeddings = 2 * d * seq;
        double kqvProj = layers * 2 * 3 * seq * d * attnWidth;
        double kqLogits = layers * 2 * seq * seq * attnWidth;
        double softmax = layers * 3 * attnWidth * seq * seq;
        double softmaxQReduction = layers * seq * seq * attnWidth;
        double finalLinear = layers * 2 * seq * attnWidth * d;
        double smVDot = layers * 2 * seq * seq * attnWidth;
        t.attention = kqvProj + kqLogits + softmax + softmaxQReduction + smVDot + finalLinear;
        t.dense = layers * 2 * 2 * seq * d * ffn;
        t.finalLogits = 2 * seq * d * v;
        t.layerNorms = layers * 2 * 7 * (seq * d);   // 7 FLOPs per activation, two LayerNorms per block
        t.gelu = layers * 20 * (seq * ffn);          // about 20 FLOPs per GELU activation
        return t;
    }

    /** The forward terms of Table 13, kept apart because the backward treats the embeddings differently. */
    private static final class Terms {
        double embeddings;
        double positionEmbeddings;
        double attention;
        double dense;
        double finalLogits;
        double layerNorms;
        double gelu;

        double total() {
            return embeddings + positionEmbeddings + layerNorms + attention + dense + finalLogits + gelu;
        }
    }
}
