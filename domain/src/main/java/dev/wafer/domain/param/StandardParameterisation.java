package dev.wafer.domain.param;

import dev.wafer.domain.model.ParameterRole;

/**
 * SP as in the Cerebras-GPT configs (reference-facts 1.3): std 0.02 everywhere, output projections
 * 0.02/√(2L), biases 0, LayerNorm 1/0; attention 1/√d_head; no multipliers; one learning rate. The YAMLs of 1.3B,
 * 2.7B, 6.7B and 13B hard-code the output projections' std as 0.0025 (the formula's value for 32 layers only: 0.00289
 * for 1.3B's 24 and 0.00224 for 13B's 40), so those shapes get 0.0025 ({@link #of}); every other shape the formula.
 */
public final class StandardParameterisation implements Parameterisation {
    /** The init std of embeddings and hidden weights. */
    public static final double STD = 0.02;
    /** The output projections' std that the 1.3B, 2.7B, 6.7B and 13B YAMLs hard-code. */
    public static final double YAML_OUTPUT_STD = 0.0025;

    /** d_model, layers, d_head of the SP presets whose YAML hard-codes {@link #YAML_OUTPUT_STD}. */
    private static final int[][] YAML_SHAPES = {{2048, 24, 128}, {2560, 32, 80}, {4096, 32, 128}, {5120, 40, 128}};

    private final double outputStd;

    /**
     * SP for a model of {@code layers} blocks, output projections at 0.02/√(2L).
     *
     * @param layers number of blocks L (for the output-projection std)
     */
    public StandardParameterisation(int layers) {
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be positive");
        }
        this.outputStd = STD / Math.sqrt(2.0 * layers);
    }

    private StandardParameterisation(double outputStd) {
        this.outputStd = outputStd;
    }

    /**
     * SP for {@code shape}: the YAML's 0.0025 for the output projections of the 1.3B, 2.7B, 6.7B and 13B shapes
     * (d_model, layers, d_head and d_ffn 4 d_model as the presets have them, whatever the vocabulary and sequence
     * length), else 0.02/√(2L).
     */
    public static StandardParameterisation of(dev.wafer.domain.model.ModelShape shape) {
        for (int[] s : YAML_SHAPES) {
            if (shape.dModel() == s[0] && shape.nLayers() == s[1] && shape.dHead() == s[2]
                    && shape.dFfn() == 4 * s[0]) {
                return new StandardParameterisation(YAML_OUTPUT_STD);
            }
        }
        return new StandardParameterisation(shape.nLayers());
    }

    /** The init std of the output projections (attention output and the second FFN linear). */
    public double outputStd() {
        return outputStd;
    }

    @Override
    public Init init(ParameterRole role) {
        return switch (role) {
            case TOKEN_EMBEDDING, POSITION_EMBEDDING, HIDDEN_WEIGHT -> new Init.TruncatedNormal(STD);
            case OUTPUT_WEIGHT -> new Init.TruncatedNormal(outputStd);
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
