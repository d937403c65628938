package dev.wafer.domain.model;

/**
 * The shape of a decoder.
 *
 * @param vocab vocabulary size V
 * @param maxSeq number of learned positions (2048 for Cerebras-GPT)
 * @param layers number of blocks L
 * @param heads attention heads NH
 * @param dModel width C; a multiple of {@code heads}
 * @param dFfn width F of the feed-forward hidden layer (4C in every Cerebras-GPT model)
 */
public record GptShape(int vocab, int maxSeq, int layers, int heads, int dModel, int dFfn) {
    /** @throws IllegalArgumentException for non-positive sizes or a width not divisible by the head count */
    public GptShape {
        if (vocab < 1 || maxSeq < 1 || layers < 1 || heads < 1 || dModel < 1 || dFfn < 1) {
            throw new IllegalArgumentException("model sizes must be positive: " + this);
        }
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not a multiple of " + heads + " heads");
        }
    }

    /** Width of one head. */
    public int headDim() {
        return dModel / heads;
    }
}
