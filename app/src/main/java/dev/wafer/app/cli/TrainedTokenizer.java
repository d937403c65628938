package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.wafer.formats.data.DatasetManifest;
import dev.wafer.formats.data.ManifestJson;

/**
 * The tokenizer of the dataset a checkpoint was trained on, read from that dataset's manifest while it is still
 * there. A model reads ids as the words its training data's tokenizer gave them: scoring or prompting it through
 * another tokenizer gives garbage with exit 0, so audit, eval and generate compare the two here.
 *
 * @param dataset   the dataset the checkpoint names
 * @param tokenizer its manifest's tokenizer, e.g. {@code gpt2-r50k} or {@code bytes-utf8}
 * @param sha256    the SHA-256 of the tokenizer.json it was prepared with; empty for a built-in tokenizer or a
 *                  manifest from before it was recorded
 * @param source    where it is known from, for reports: the dataset's manifest, the checkpoint, or export-hf's record
 */
record TrainedTokenizer(Path dataset, String tokenizer, String sha256, String source) {

    /** The byte tokenizer's name in manifests; a 257-id model without a recorded tokenizer is read with it. */
    static final String BYTES = "bytes-utf8";

    /**
     * The checkpoint's dataset tokenizer: from the dataset's manifest while it is there, else as the checkpoint
     * records it, or for an imported model the one its exported directory recorded; empty for a model without
     * recorded data (synthetic tokens, a token file, a model imported from elsewhere) or one trained before the
     * checkpoint recorded it whose dataset is gone or unreadable: nothing to compare.
     */
    static Optional<TrainedTokenizer> of(CheckpointedModel model) {
        return fromDataset(model).or(() -> fromCheckpoint(model)).or(() -> recorded(model));
    }

    /** What the checkpoint itself records of its data's tokenizer (trained since 2026-12-07), the dataset gone. */
    private static Optional<TrainedTokenizer> fromCheckpoint(CheckpointedModel model) {
        return model.trainedOn().filter(d -> !d.tokenizer().isEmpty())
                .map(d -> new TrainedTokenizer(Path.of(d.path()), d.tokenizer(), d.tokenizerSha256(),
                        "recorded in the checkpoint"));
    }

    /**
     * The name of the tokenizer text is read and written with for {@code model}: its training data's when known,
     * else the byte tokenizer for 257 ids (what {@code export-hf} marks with end-of-text 256) and GPT-2 otherwise.
     */
    static String nameFor(CheckpointedModel model) {
        return of(model).map(TrainedTokenizer::tokenizer)
                .orElse(model.shape().vocabSize() == 257 ? BYTES : "gpt2");
    }

    /** What import-hf carried over from an exported directory's {@code wafer_provenance}. */
    private static Optional<TrainedTokenizer> recorded(CheckpointedModel model) {
        Map<String, String> p = model.provenance();
        if (!p.containsKey("tokenizer") || p.get("tokenizer").isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new TrainedTokenizer(Path.of(p.getOrDefault("data_path", "")), p.get("tokenizer"),
                p.getOrDefault("tokenizer_sha256", ""), "recorded by export-hf"));
    }

    private static Optional<TrainedTokenizer> fromDataset(CheckpointedModel model) {
        return model.trainedOn().filter(d -> !d.path().isBlank()).flatMap(data -> {
            Path trainedOn = Path.of(data.path());
            if (!Files.isRegularFile(trainedOn.resolve("manifest.json"))) {
                return Optional.empty();
            }
            try {
                DatasetManifest.Settings s = ManifestJson.read(trainedOn).settings();
                return Optional.of(new TrainedTokenizer(trainedOn, s.tokenizer(), s.tokenizerSha256(),
                        "the dataset's manifest"));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // unreadable: the command's own checks still apply
            }
        });
    }

    /**
     * Refuses {@code dataset} (given as {@code flag}), prepared with {@code given}'s tokenizer, when the checkpoint was
     * trained on data tokenized otherwise; {@code verb} says what to do instead, e.g. {@code audit it}.
     */
    static void requireSame(CheckpointedModel model, String flag, Path dataset, DatasetManifest.Settings given,
                            String verb) {
        of(model).filter(t -> !t.sameAs(given)).ifPresent(t -> {
            throw new UserError("--checkpoint " + model.file() + " was trained on " + t.dataset() + ", tokenized"
                    + " with " + describe(t.tokenizer(), t.sha256()) + ", but " + flag + " " + dataset + " was"
                    + " tokenized with " + describe(given.tokenizer(), given.tokenizerSha256()) + "; " + verb
                    + " against a dataset prepared with " + t.tokenizer());
        });
    }

    /**
     * Same tokenizer: by the tokenizer.json's SHA-256 where both manifests record it (a file's name says nothing of
     * its ids: a copy under another name is the same, another tokenizer.json is not); by name otherwise (built-in
     * tokenizers, manifests from before the hash was recorded).
     */
    boolean sameAs(DatasetManifest.Settings given) {
        if (!sha256.isEmpty() && !given.tokenizerSha256().isEmpty()) {
            return sha256.equals(given.tokenizerSha256());
        }
        return tokenizer.equals(given.tokenizer());
    }

    /** The name, and the hash when two names could otherwise read alike. */
    private static String describe(String name, String sha) {
        return sha.isEmpty() ? name : name + " (SHA-256 " + sha + ")";
    }
}
