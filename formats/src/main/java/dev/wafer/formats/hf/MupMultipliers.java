package dev.wafer.formats.hf;

/**
 * The forward multipliers of a btlm-style muP config (reference-facts 1.4 and 2.4).
 *
 * @param widthScale      {@code mup_width_scale} = 1/m_width = d_base/d_model
 * @param embeddingsScale {@code mup_embeddings_scale} = m_emb, applied to wte[tok] + wpe[pos]
 * @param outputAlpha     {@code mup_output_alpha}; logits are multiplied by {@code outputAlpha * widthScale}
 * @param scaleQkDotByD   {@code mup_scale_qk_dot_by_d}: attention logits divided by d_head instead of sqrt(d_head)
 */
public record MupMultipliers(double widthScale, double embeddingsScale, double outputAlpha, boolean scaleQkDotByD) {
    /** Rejects non-positive or non-finite multipliers. */
    public MupMultipliers {
        for (double v : new double[] {widthScale, embeddingsScale, outputAlpha}) {
            if (!(v > 0) || !Double.isFinite(v)) {
                throw new IllegalArgumentException("muP multipliers must be positive and finite: width_scale=" + widthScale
                        + ", embeddings_scale=" + embeddingsScale + ", output_alpha=" + outputAlpha);
            }
        }
    }

    /** The factor on the output logits, {@code output_logits_scale} in Cerebras' terms. */
    public double outputLogitsScale() {
        return outputAlpha * widthScale;
    }
}
