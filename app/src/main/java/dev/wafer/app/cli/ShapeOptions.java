package dev.wafer.app.cli;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.recipe.RunRecipe;
import dev.wafer.domain.recipe.RunRequest;
import dev.wafer.domain.recipe.RunRequestException;
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
    static final ModelShape DEFAULT = RunRecipe.DEFAULT_SHAPE;
    static final int DEFAULT_BATCH = RunRecipe.DEFAULT_BATCH;

    /** The flags as the recipe's shape overrides. */
    RunRequest.Shape request() {
        return new RunRequest.Shape(dModel, layers, heads, seq, batch, vocab);
    }

    /** The shape after applying the flags to {@code base}; the feed-forward width stays 4 x d_model. */
    ModelShape resolve(ModelShape base) {
        try {
            return RunRecipe.shape(base, request());
        } catch (RunRequestException e) {
            throw new UserError(e.getMessage());
        }
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
