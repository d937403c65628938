package dev.wafer.domain.study;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ModelShape;

/** Shapes of study models: GPT-3-style blocks with {@code d_ffn = 4 d_model} and a fixed head width. */
public final class StudyModels {
    private StudyModels() {
    }

    /**
     * A study shape.
     *
     * @param width     d_model; a multiple of {@code headDim}
     * @param layers    decoder blocks
     * @param headDim   width of one head (heads = width / headDim)
     * @param vocabSize vocabulary (257 for the byte tokenizer)
     * @param seqLength sequence length, also the learned positions
     * @throws IllegalArgumentException if the width is not a positive multiple of the head width
     */
    public static ModelShape shape(int width, int layers, int headDim, int vocabSize, int seqLength) {
        if (headDim < 1 || width < headDim || width % headDim != 0) {
            throw new IllegalArgumentException("width " + width + " is not a positive multiple of the head width "
                    + headDim);
        }
        return new ModelShape(vocabSize, seqLength, width, layers, width / headDim, headDim, 4 * width);
    }
}
