package dev.wafer.app.train;

import dev.wafer.domain.model.GptShape;
import dev.wafer.domain.model.ParameterLayout;

/**
 * Model FLOPs per trained token, forward + backward: {@code 6·N + 12·L·T·d_model} (the dense-parameter term plus
 * the attention score and value products, as in the Cerebras-GPT paper's Appendix F / Chinchilla's count), with N
 * counting every parameter. Used for the FLOP/s metric; the scaling package may replace it with its exact form.
 */
public final class ModelFlops {
    private ModelFlops() {
    }

    /** FLOPs per token at sequence length {@code seq}. */
    public static double perToken(GptShape shape, int seq) {
        double n = new ParameterLayout(shape).totalCount();
        return 6.0 * n + 12.0 * shape.layers() * seq * shape.dModel();
    }
}
