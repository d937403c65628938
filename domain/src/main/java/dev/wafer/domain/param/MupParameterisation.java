package dev.wafer.domain.param;

import dev.wafer.domain.model.ParameterRole;

/**
 * Cerebras muP (reference-facts 1.4, the R2.0.2 values): with {@code m_width = d_model / 256} and the tuned triple
 * ({@link MupHyperparameters}: the paper's by default),
 * <ul>
 *   <li>embeddings: std σ_base = 0.08, not width-scaled; the summed embeddings are multiplied by m_emb = 10;</li>
 *   <li>hidden weights (QKV, FFN in): std σ_base/√m_width; output projections: σ_base/√(2·L·m_width);</li>
 *   <li>attention scores scaled by 1/d_head; logits by α_output/m_width (α_output = 1);</li>
 *   <li>learning rate of hidden and output-projection weights divided by m_width; embeddings (and so the tied
 *       head), biases and LayerNorm keep the base rate. FFN-out uses m_width too, which equals HEAD's
 *       d_ffn/1024 whenever d_ffn = 4·d_model, as in every Cerebras-GPT model.</li>
 * </ul>
 */
public final class MupParameterisation implements Parameterisation {
    /** Base width of the muP proxy (d_base). */
    public static final int BASE_WIDTH = 256;
    /** The paper's σ_base. */
    public static final double SIGMA_BASE = MupHyperparameters.PAPER.initStd();
    /** The paper's m_emb. */
    public static final float EMBEDDING_MULTIPLIER = (float) MupHyperparameters.PAPER.embeddingMultiplier();

    private final int layers;
    private final double widthMultiplier;
    private final double sigmaBase;
    private final float embeddingMultiplier;

    /**
     * muP with the paper's σ_base and m_emb.
     *
     * @param layers number of blocks L
     * @param dModel width; m_width = dModel / 256
     */
    public MupParameterisation(int layers, int dModel) {
        this(layers, dModel, MupHyperparameters.PAPER);
    }

    /**
     * muP with the given σ_base and m_emb.
     *
     * @param layers number of blocks L
     * @param dModel width; m_width = dModel / 256
     * @param tuned  σ_base and m_emb (η_base is the schedule's peak, not the parameterisation's)
     */
    public MupParameterisation(int layers, int dModel, MupHyperparameters tuned) {
        if (layers < 1 || dModel < 1) {
            throw new IllegalArgumentException("layers and d_model must be positive");
        }
        this.layers = layers;
        this.widthMultiplier = (double) dModel / BASE_WIDTH;
        this.sigmaBase = tuned.initStd();
        this.embeddingMultiplier = (float) tuned.embeddingMultiplier();
    }

    /** m_width = d_model / 256. */
    public double widthMultiplier() {
        return widthMultiplier;
    }

    @Override
    public Init init(ParameterRole role) {
        return switch (role) {
            case TOKEN_EMBEDDING, POSITION_EMBEDDING -> new Init.TruncatedNormal(sigmaBase);
            case HIDDEN_WEIGHT -> new Init.TruncatedNormal(sigmaBase / Math.sqrt(widthMultiplier));
            case OUTPUT_WEIGHT -> new Init.TruncatedNormal(sigmaBase / Math.sqrt(2.0 * layers * widthMultiplier));
            case BIAS, NORM_BIAS -> new Init.Constant(0f);
            case NORM_WEIGHT -> new Init.Constant(1f);
        };
    }

    @Override
    public float embeddingMultiplier() {
        return embeddingMultiplier;
    }

    @Override
    public float attentionScale(int headDim) {
        return 1f / headDim;
    }

    @Override
    public float outputLogitMultiplier() {
        return (float) (1.0 / widthMultiplier);
    }

    @Override
    public double learningRateMultiplier(ParameterRole role) {
        return switch (role) {
            case HIDDEN_WEIGHT, OUTPUT_WEIGHT -> 1.0 / widthMultiplier;
            case TOKEN_EMBEDDING, POSITION_EMBEDDING, BIAS, NORM_WEIGHT, NORM_BIAS -> 1.0;
        };
    }

    @Override
    public ParameterisationKind kind() {
        return ParameterisationKind.MUP;
    }
}
