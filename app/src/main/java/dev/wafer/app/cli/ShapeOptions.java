package dev.wafer.app.cli;

import dev.wafer.domain.model.ModelShape;
import picocli.CommandLine.Option;

/**
 * Flags naming a model shape and micro-batch; shared by {@code train} and {@code bench}. Each flag overrides the
 * corresponding value of a base shape (a preset's, or the default tiny model's).
 */
final class ShapeOptions {
    @Option(names = "--d-model", paramLabel = "D", description = "Width.")
    Integer dModel;

    @Option(names = "--layers", paramLabel = "L", description = "Decoder blocks.")
    Integer layers;

    @Option(names = "--heads", paramLabel = "H", description = "Attention heads (d_model must be a multiple).")
    Integer heads;

    @Option(names = "--seq", paramLabel = "T", description = "Sequence length.")
    Integer seq;

    @Option(names = "--batch", paramLabel = "B", description = "Sequences per optimizer step (train: accumulated"
            + " over --micro-batch passes; bench: one micro-batch).")
    Integer batch;

    @Option(names = "--vocab", paramLabel = "V", description = "Vocabulary size (GPT-2: 50257).")
    Integer vocab;

    /** The default tiny model when neither flags nor a preset say otherwise. */
    static final ModelShape DEFAULT = new ModelShape(ModelShape.GPT2_VOCAB, 128, 128, 2, 4, 32, 512);
    static final int DEFAULT_BATCH = 8;

    /** The shape after applying the flags to {@code base}; the feed-forward width stays 4 x d_model. */
    ModelShape resolve(ModelShape base) {
        int d = dModel != null ? dModel : base.dModel();
        int l = layers != null ? layers : base.nLayers();
        int h = heads != null ? heads : dModel != null ? Math.max(1, d / base.dHead()) : base.nHeads();
        int t = seq != null ? seq : base.seqLength();
        int v = vocab != null ? vocab : base.vocabSize();
        if (d < 1 || l < 1 || h < 1 || t < 1 || v < 2) {
            throw new UserError("--d-model, --layers, --heads and --seq must be positive and --vocab at least 2");
        }
        if (d % h != 0) {
            throw new UserError("--d-model " + d + " is not a multiple of --heads " + h + " (d_head = d_model / heads)");
        }
        int ffn = dModel != null ? 4 * d : base.dFfn();
        return new ModelShape(v, t, d, l, h, d / h, ffn);
    }

    /** Sequences per micro-batch. */
    int batch(int base) {
        int b = batch != null ? batch : base;
        if (b < 1) {
            throw new UserError("--batch must be positive, found " + b);
        }
        return b;
    }
}
