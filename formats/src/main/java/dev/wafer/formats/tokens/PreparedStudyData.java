package dev.wafer.formats.tokens;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.ManifestJson;
import dev.wafer.formats.data.ShardedSequences;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.study.StudyData;
import dev.wafer.ports.data.TokenBatchSource;

/** A prepared dataset's train and validation splits as study data; close it to unmap the shards. */
public final class PreparedStudyData implements StudyData, AutoCloseable {
    private final ShardedSequences train;
    private final ShardedSequences validation;
    private final String description;
    private final dev.wafer.formats.data.DatasetManifest manifest;

    private PreparedStudyData(ShardedSequences train, ShardedSequences validation, String description,
            dev.wafer.formats.data.DatasetManifest manifest) {
        this.train = train;
        this.validation = validation;
        this.description = description;
        this.manifest = manifest;
    }

    /** The content fingerprint of the dataset (its manifest's, as a checkpoint records it). */
    public String fingerprint() {
        return manifest.fingerprint();
    }

    /**
     * Whether a search log that recorded {@code recorded} ran on this dataset
     * ({@link dev.wafer.formats.data.DatasetManifest#identifiedBy(String)}).
     */
    public boolean identifiedBy(String recorded) {
        return manifest.identifiedBy(recorded);
    }

    /**
     * Opens {@code dir} (a {@code wafer data prepare} output), its validation split included when its manifest lists
     * any validation sequence; without one (a dataset prepared with {@code --split 1,0,0}, or a corpus too small to
     * fill the split) {@link #validation()} is {@code null} and studies score the training loss instead, as they do
     * for a split of one sequence. (Until 2026-12-07 a study scoring held-out sequences was refused naming the
     * missing {@code val-00000.bin}.)
     *
     * @param label how to name the data in reports, e.g. {@code embedded sample}
     */
    public static PreparedStudyData open(Path dir, String label) throws IOException {
        dev.wafer.formats.data.DatasetManifest manifest = ManifestJson.read(dir);
        String tokenizer = manifest.settings().tokenizer();
        DatasetLayout layout = new DatasetLayout(dir);
        ShardedSequences train = ShardedSequences.open(layout, Split.TRAIN, true);
        ShardedSequences val;
        try {
            // A split the manifest lists but whose shard is missing is a damaged dataset, refused by the open.
            val = hasValidation(manifest, layout) ? ShardedSequences.open(layout, Split.VALIDATION, true) : null;
        } catch (IOException | RuntimeException e) {
            train.close();
            throw e;
        }
        String description = String.format(Locale.ROOT, "%s (%s), tokenizer %s, vocabulary %d, %,d train and %s"
                + " validation sequences of %d tokens", label, dir, tokenizer, train.vocabSize(), train.count(),
                val == null ? "no" : String.format(Locale.ROOT, "%,d", val.count()), train.sequenceLength());
        return new PreparedStudyData(train, val, description, manifest);
    }

    /** Whether the manifest lists a validation sequence (one that lists no split: whether its first shard is there). */
    private static boolean hasValidation(dev.wafer.formats.data.DatasetManifest manifest, DatasetLayout layout) {
        return manifest.split(Split.VALIDATION).map(e -> e.sequences() > 0)
                .orElseGet(() -> Files.exists(layout.shard(Split.VALIDATION, 0)));
    }

    /** Sequences in the validation split, 0 for a dataset without one. */
    public long validationSequences() {
        return validation == null ? 0 : validation.count();
    }

    /** Tokens per stored sequence. */
    public int sequenceLength() {
        return train.sequenceLength();
    }

    /** Tokens in the training split. */
    public long trainTokens() {
        return train.count() * train.sequenceLength();
    }

    @Override
    public TokenBatchSource training(long seed) {
        return new SequenceBatchSource(train, seed);
    }

    @Override
    public TokenBatchSource validation() {
        return validation != null && validation.count() >= 2 ? new SequenceBatchSource(validation, 0) : null;
    }

    @Override
    public int vocabSize() {
        return train.vocabSize();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        train.close();
        if (validation != null) {
            validation.close();
        }
    }
}
