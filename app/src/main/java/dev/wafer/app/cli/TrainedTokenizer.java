package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import dev.wafer.formats.data.DatasetManifest;
import dev.wafer.formats.data.ManifestJson;

/**
 * The tokenizer of the data a checkpoint was trained on. A model reads ids as the words its training data's tokenizer
 * gave them: scoring or prompting it through another tokenizer gives garbage with exit 0, so audit, eval and generate
 * compare the two here.
 *
 * @param dataset   the dataset path the checkpoint (or export-hf's record) names, as recorded; empty when none is
 * @param tokenizer the tokenizer's name, e.g. {@code gpt2-r50k} or {@code bytes-utf8}
 * @param sha256    the SHA-256 of the tokenizer.json it was prepared with; empty for a built-in tokenizer or a
 *                  record from before it was kept
 * @param source    where it is known from, for reports: the checkpoint, the dataset's manifest, or export-hf's record
 */
record TrainedTokenizer(String dataset, String tokenizer, String sha256, String source) {

    /** The byte tokenizer's name in manifests; a 257-id model without a recorded tokenizer is read with it. */
    static final String BYTES = "bytes-utf8";

    /**
     * The checkpoint's data tokenizer: as the checkpoint records it; for a checkpoint from before it was recorded,
     * from its dataset's manifest while that is the same data (the fingerprint the checkpoint records, if any, still
     * matches: a dataset prepared again in place with another tokenizer is not what trained it); for an imported
     * model, the one its exported directory recorded. Empty for a model without recorded data (synthetic tokens, a
     * token file, a model imported from elsewhere) or an old one whose dataset is gone or changed: nothing to compare.
     */
    static Optional<TrainedTokenizer> of(CheckpointedModel model) {
        return fromCheckpoint(model).or(() -> fromDataset(model)).or(() -> recorded(model));
    }

    /** What the checkpoint itself records of its data's tokenizer (trained since 2026-12-07). */
    private static Optional<TrainedTokenizer> fromCheckpoint(CheckpointedModel model) {
        return model.trainedOn().filter(d -> !d.tokenizer().isEmpty())
                .map(d -> new TrainedTokenizer(d.path(), d.tokenizer(), d.tokenizerSha256(),
                        "recorded in the checkpoint"));
    }

    /**
     * The name of the tokenizer text is read and written with for {@code model}: its training data's when known,
     * else the byte tokenizer for 257 ids (what {@code export-hf} marks with end-of-text 256) and GPT-2 otherwise.
     */
    static String nameFor(CheckpointedModel model) {
        return of(model).map(TrainedTokenizer::tokenizer).orElse(assumedFor(model));
    }

    /** The tokenizer assumed where nothing records one: bytes for 257 ids, GPT-2 otherwise. */
    static String assumedFor(CheckpointedModel model) {
        return model.shape().vocabSize() == 257 ? BYTES : "gpt2";
    }

    /** What import-hf carried over from an exported directory's {@code wafer_provenance}. */
    private static Optional<TrainedTokenizer> recorded(CheckpointedModel model) {
        Map<String, String> p = model.provenance();
        if (!p.containsKey("tokenizer") || p.get("tokenizer").isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new TrainedTokenizer(p.getOrDefault("data_path", ""), p.get("tokenizer"),
                p.getOrDefault("tokenizer_sha256", ""), "recorded by export-hf"));
    }

    /** An older checkpoint's dataset manifest, while its fingerprint is still the one the checkpoint records. */
    private static Optional<TrainedTokenizer> fromDataset(CheckpointedModel model) {
        return model.trainedOn().filter(d -> d.tokenizer().isEmpty()).flatMap(data -> RecordedPath.of(data.path())
                .filter(dir -> Files.isRegularFile(dir.resolve("manifest.json"))).flatMap(dir -> {
                    try {
                        DatasetManifest manifest = ManifestJson.read(dir);
                        if (!data.fingerprint().isEmpty() && !manifest.identifiedBy(data.fingerprint())) {
                            return Optional.empty(); // prepared again since: its tokenizer may not be the model's
                        }
                        DatasetManifest.Settings s = manifest.settings();
                        return Optional.of(new TrainedTokenizer(data.path(), s.tokenizer(), s.tokenizerSha256(),
                                "the dataset's manifest"));
                    } catch (IOException | RuntimeException e) {
                        return Optional.empty(); // unreadable: the command's own checks still apply
                    }
                }));
    }

    /**
     * The data it was trained on, for messages: {@code DATASET, tokenized with TOKENIZER}, or where no dataset is
     * recorded (an import whose record names only the tokenizer) {@code data tokenized with TOKENIZER (...)}.
     */
    String trainedOn(String tokenizerText) {
        return dataset.isEmpty() ? "data tokenized with " + tokenizerText + " (its dataset is not recorded)"
                : DisplayName.of(dataset) + ", tokenized with " + tokenizerText;
    }

    /**
     * Refuses {@code dataset} (given as {@code flag}), prepared with {@code given}'s tokenizer, when the checkpoint was
     * trained on data tokenized otherwise; {@code verb} says what to do instead, e.g. {@code audit it}.
     */
    static void requireSame(CheckpointedModel model, String flag, Path dataset, DatasetManifest.Settings given,
                            String verb) {
        of(model).filter(t -> !t.sameAs(given)).ifPresent(t -> {
            // The sample records no path: named as what it is, with where its prepared copy is (until 2026-12-07
            // "its dataset is not recorded", though kind and fingerprint are).
            java.util.Optional<Integer> sampleSeq = TrainedSample.of(model).map(r -> r.seqLength());
            String tokenized = describe(t.tokenizer(), t.sha256());
            throw new UserError("--checkpoint " + model.file() + " was trained on "
                    + sampleSeq.map(seq -> "the embedded sample, tokenized with " + tokenized)
                            .orElse(t.trainedOn(tokenized)) + ", but " + flag + " " + dataset + " was"
                    + " tokenized with " + describe(given.tokenizer(), given.tokenizerSha256()) + "; " + verb
                    + " against a dataset prepared with " + t.tokenizer()
                    + sampleSeq.map(seq -> " (" + TrainedSample.hint(seq, flag) + ")").orElse(""));
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
