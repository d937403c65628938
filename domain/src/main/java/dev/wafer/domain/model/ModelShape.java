package dev.wafer.domain.model;

/**
 * The dimensions of a GPT-3-style decoder: the one shape type of the model, the paper's formulas, presets,
 * checkpoints and the HF conversion.
 *
 * @param vocabSize vocabulary size (50257 for GPT-2 BPE)
 * @param seqLength maximum sequence length, also the number of learned positions (2048)
 * @param dModel    residual width
 * @param nLayers   number of decoder blocks
 * @param nHeads    attention heads per block
 * @param dHead     width of one head; {@code nHeads * dHead == dModel}
 * @param dFfn      hidden width of the feed-forward network (4 x dModel in every Cerebras-GPT model)
 */
public record ModelShape(int vocabSize, int seqLength, int dModel, int nLayers, int nHeads, int dHead, int dFfn) {

    /** GPT-2 BPE vocabulary size, used by every Cerebras-GPT model. */
    public static final int GPT2_VOCAB = 50257;
    /** The paper's maximum sequence length. */
    public static final int PAPER_SEQ_LENGTH = 2048;

    /** Validates every dimension; each message names the field, what was expected and what was found. */
    public ModelShape {
        positive("vocab_size", vocabSize);
        positive("seq_length", seqLength);
        positive("d_model", dModel);
        positive("n_layers", nLayers);
        positive("n_heads", nHeads);
        positive("d_head", dHead);
        positive("d_ffn", dFfn);
        if ((long) nHeads * dHead != dModel) {
            throw new IllegalArgumentException("n_heads x d_head must equal d_model: " + nHeads + " x " + dHead
                    + " = " + ((long) nHeads * dHead) + ", d_model is " + dModel);
        }
    }

    /**
     * A shape given the way GPT-2 configs give it (vocabulary, positions, layers, heads, width, feed-forward width);
     * the head width is {@code dModel / nHeads}.
     *
     * @throws IllegalArgumentException naming the field when a size is not positive or the width is not a multiple
     *                                  of the head count
     */
    public static ModelShape withHeads(int vocabSize, int seqLength, int nLayers, int nHeads, int dModel, int dFfn) {
        positive("n_heads", nHeads);
        if (dModel % nHeads != 0) {
            throw new IllegalArgumentException("d_model " + dModel + " is not a multiple of " + nHeads + " heads");
        }
        return new ModelShape(vocabSize, seqLength, dModel, nLayers, nHeads, dModel / nHeads, dFfn);
    }

    /** A shape with the paper's conventions: GPT-2 vocabulary, 2048 positions, d_ffn = 4 d_model. */
    public static ModelShape gpt(int dModel, int nLayers, int dHead) {
        if (dHead <= 0 || dModel % dHead != 0) {
            throw new IllegalArgumentException("d_model must be a multiple of d_head: d_model " + dModel
                    + ", d_head " + dHead);
        }
        return new ModelShape(GPT2_VOCAB, PAPER_SEQ_LENGTH, dModel, nLayers, dModel / dHead, dHead, 4 * dModel);
    }

    /** The same shape with another vocabulary (studies use small vocabularies). */
    public ModelShape withVocabSize(int newVocabSize) {
        return new ModelShape(newVocabSize, seqLength, dModel, nLayers, nHeads, dHead, dFfn);
    }

    /** The same shape with another sequence length. */
    public ModelShape withSeqLength(int newSeqLength) {
        return new ModelShape(vocabSize, newSeqLength, dModel, nLayers, nHeads, dHead, dFfn);
    }

    private static void positive(String field, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(field + " must be positive, found " + value);
        }
    }
}
