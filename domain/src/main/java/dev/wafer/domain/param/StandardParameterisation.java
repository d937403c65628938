package dev.wafer.domain.param;

import dev.wafer.domain.model.ParameterRole;

/**
 * SP as in the Cerebras-GPT configs (reference-facts 1.3): std 0.02 everywhere, output projections
 * 0.02/√(2L), biases 0, LayerNorm 1/0; attention 1/√d_head; no multipliers; one learning rate.
 */
public final class StandardParameterisation implements Parameterisation {
    /** The init std of embeddings and hidden weights. */
    public static final double STD = 0.02;

    private final int layers;

    /**
     * SP for a model of {@code layers} blocks.
     *
     * @param layers number of blocks L (for the output-projection std)
     */
    public StandardParameterisation(int layers) {
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be positive");
        }
        this.layers = layers;
    }

    @Override
    public Init init(ParameterRole role) {
        return switch (role) {
            case TOKEN_EMBEDDING, POSITION_EMBEDDING, HIDDEN_WEIGHT -> new Init.TruncatedNormal(STD);
            case OUTPUT_WEIGHT -> new Init.TruncatedNormal(STD / Math.sqrt(2.0 * layers));
            case BIAS, NORM_BIAS -> new Init.Constant(0f);
            case NORM_WEIGHT -> new Init.Constant(1f);
        };
    }

    @Override
    public float embeddingMultiplier() {
        return 1f;
    }

    @Override
    public float attentionScale(int headDim) {
        return (float) (1.0 / Math.sqrt(headDim));
    }

    @Override
    public float outputLogitMultiplier() {
        return 1f;
    }

    @Override
    public double learningRateMultiplier(ParameterRole role) {
        return 1.0;
    }

    @Override
    public ParameterisationKind kind() {
        return ParameterisationKind.SP;
    }
}
