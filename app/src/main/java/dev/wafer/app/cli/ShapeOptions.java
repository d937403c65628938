package dev.wafer.app.cli;

import dev.wafer.domain.model.GptShape;
import picocli.CommandLine.Option;

/** Flags naming a model shape and micro-batch; shared by {@code train} and {@code bench}. */
final class ShapeOptions {
    @Option(names = "--d-model", description = "width (default ${DEFAULT-VALUE})", defaultValue = "128")
    int dModel;

    @Option(names = "--layers", description = "blocks (default ${DEFAULT-VALUE})", defaultValue = "2")
    int layers;

    @Option(names = "--heads", description = "attention heads (default ${DEFAULT-VALUE})", defaultValue = "4")
    int heads;

    @Option(names = "--seq", description = "sequence length (default ${DEFAULT-VALUE})", defaultValue = "128")
    int seq;

    @Option(names = "--batch", description = "sequences per micro-batch (default ${DEFAULT-VALUE})", defaultValue = "4")
    int batch;

    @Option(names = "--vocab", description = "vocabulary size (default ${DEFAULT-VALUE}, GPT-2)", defaultValue = "50257")
    int vocab;

    /** The shape, d_ffn = 4·d_model and learned positions = max(seq, 2048) as in Cerebras-GPT. */
    GptShape shape() {
        if (dModel < 1 || layers < 1 || heads < 1 || seq < 1 || batch < 1 || vocab < 2) {
            throw new UserError("--d-model, --layers, --heads, --seq, --batch must be positive and --vocab >= 2");
        }
        if (dModel % heads != 0) {
            throw new UserError("--d-model " + dModel + " is not a multiple of --heads " + heads);
        }
        return new GptShape(vocab, Math.max(seq, 2048), layers, heads, dModel, 4 * dModel);
    }
}
