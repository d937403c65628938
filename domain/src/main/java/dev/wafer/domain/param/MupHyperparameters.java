package dev.wafer.domain.param;

import java.util.Locale;

/**
 * The three tuned constants of muP (paper Appendix G.2, Figure 13): found by random search on a 40M proxy and
 * transferred unchanged to every width.
 *
 * @param baseLearningRate    η_base: the scheduled peak learning rate; hidden and output-projection weights train at
 *                            η_base/m_width, embeddings, biases and LayerNorm at η_base
 * @param initStd             σ_base: the embeddings' init std; hidden weights use σ_base/√m_width and output
 *                            projections σ_base/√(2·L·m_width)
 * @param embeddingMultiplier m_emb: the factor on the summed token and position embeddings
 */
public record MupHyperparameters(double baseLearningRate, double initStd, double embeddingMultiplier) {
    /** The paper's values: η_base 6e-3, σ_base 0.08, m_emb 10. */
    public static final MupHyperparameters PAPER = new MupHyperparameters(6e-3, 0.08, 10.0);

    /**
     * Checks that each of the three constants is positive and finite.
     *
     * @throws IllegalArgumentException naming the value that is not positive and finite
     */
    public MupHyperparameters {
        positive("base learning rate", baseLearningRate);
        positive("init std", initStd);
        positive("embedding multiplier", embeddingMultiplier);
    }

    /** The same σ_base and m_emb with another η_base. */
    public MupHyperparameters withBaseLearningRate(double lr) {
        return new MupHyperparameters(lr, initStd, embeddingMultiplier);
    }

    /** {@code eta_base=…, sigma_base=…, m_emb=…}, for reports. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "eta_base=%.4g, sigma_base=%.4g, m_emb=%.4g", baseLearningRate, initStd,
                embeddingMultiplier);
    }

    private static void positive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("muP " + what + " must be positive and finite, found " + v);
        }
    }
}
