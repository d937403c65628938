package dev.wafer.app.cli;

import dev.wafer.ports.text.Tokenizer;
import dev.wafer.ports.text.Tokenizers;
import java.nio.file.Path;

/**
 * Which tokenizer {@code eval} may read its inputs with, given the data the model was trained on (recorded in its
 * checkpoint): a model scored through another tokenizer reads other words and gets a plausible number, exit 0.
 */
final class EvalTokenizers {
    private EvalTokenizers() {
    }

    /** A dataset tokenized otherwise than the model's training data is refused, as audit refuses it. */
    static void requireTrainedTokenizer(CheckpointedModel model, Path data) {
        if (!java.nio.file.Files.isRegularFile(data.resolve("manifest.json"))) {
            return; // a token file or text, or no dataset: EvalTokenStream names what is wrong
        }
        dev.wafer.formats.data.DatasetManifest.Settings tokenizer;
        try {
            tokenizer = dev.wafer.formats.data.ManifestJson.read(data).settings();
        } catch (java.io.IOException | RuntimeException e) {
            return; // EvalTokenStream checks the manifest and names the problem
        }
        TrainedTokenizer.requireSame(model, "--data", data, tokenizer, "evaluate it");
    }

    /**
     * Harness tasks are tokenized with GPT-2 (its end-of-text id included): a model trained on data tokenized
     * otherwise read them as other words and scored them, exit 0. Models without recorded data stay on GPT-2.
     */
    static void requireGpt2Trained(CheckpointedModel model, String flag) {
        TrainedTokenizer.of(model).filter(t -> !t.tokenizer().startsWith("gpt2")).ifPresent(t -> {
            throw new UserError(flag + ": the model was trained on data tokenized with " + t.tokenizer()
                    + (t.dataset().isEmpty() ? "" : " (" + DisplayName.of(t.dataset()) + ")")
                    + "; downstream tasks are scored with GPT-2's tokenizer, so give a model trained on GPT-2-tokenized data");
        });
    }

    /**
     * The tokenizer a text --data is read with: the model's training data's when it is built in (bytes-utf8, gpt2),
     * GPT-2 for a model without recorded data; text for a model trained through a tokenizer.json is refused.
     */
    static Tokenizer textTokenizer(CheckpointedModel model, Path data, Tokenizers tokenizers) {
        java.util.Optional<TrainedTokenizer> trained = TrainedTokenizer.of(model);
        String name = TrainedTokenizer.nameFor(model);
        if (name.startsWith("bytes")) {
            return tokenizers.create("bytes");
        }
        if (name.startsWith("gpt2")) {
            return tokenizers.create("gpt2");
        }
        throw new UserError("--data " + data + " is text, but --checkpoint " + model.file() + " was trained on "
                + trained.orElseThrow().trainedOn(name) + "; eval reads text with the bytes-utf8 or gpt2 tokenizer"
                + " only: prepare the text with 'wafer data prepare --tokenizer' and that tokenizer.json, and give"
                + " the dataset");
    }
}
