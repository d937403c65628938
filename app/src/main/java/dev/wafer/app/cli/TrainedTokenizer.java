package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.wafer.formats.data.ManifestJson;

/**
 * The tokenizer of the dataset a checkpoint was trained on, read from that dataset's manifest while it is still
 * there. A model reads ids as the words its training data's tokenizer gave them: scoring or prompting it through
 * another tokenizer gives garbage with exit 0, so audit, eval and generate compare the two here.
 *
 * @param dataset   the dataset the checkpoint names
 * @param tokenizer its manifest's tokenizer, e.g. {@code gpt2-r50k} or {@code bytes-utf8}
 */
record TrainedTokenizer(Path dataset, String tokenizer) {

    /**
     * The checkpoint's dataset tokenizer; empty for a model without recorded data (synthetic tokens, a token file,
     * an imported model) or whose dataset is gone or unreadable: nothing to compare.
     */
    static Optional<TrainedTokenizer> of(CheckpointedModel model) {
        return model.trainedOn().filter(d -> !d.path().isBlank()).flatMap(data -> {
            Path trainedOn = Path.of(data.path());
            if (!Files.isRegularFile(trainedOn.resolve("manifest.json"))) {
                return Optional.empty();
            }
            try {
                return Optional.of(new TrainedTokenizer(trainedOn, ManifestJson.read(trainedOn).settings().tokenizer()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // unreadable: the command's own checks still apply
            }
        });
    }

    /**
     * Refuses {@code dataset} (given as {@code flag}), tokenized with {@code tokenizer}, when the checkpoint was
     * trained on data tokenized otherwise; {@code verb} says what to do instead, e.g. {@code audit it}.
     */
    static void requireSame(CheckpointedModel model, String flag, Path dataset, String tokenizer, String verb) {
        of(model).filter(t -> !t.tokenizer().equals(tokenizer)).ifPresent(t -> {
            throw new UserError("--checkpoint " + model.file() + " was trained on " + t.dataset() + ", tokenized"
                    + " with " + t.tokenizer() + ", but " + flag + " " + dataset + " was tokenized with " + tokenizer
                    + "; " + verb + " against a dataset prepared with " + t.tokenizer());
        });
    }
}
