package dev.wafer.formats.tokens;

import java.io.IOException;
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

    private PreparedStudyData(ShardedSequences train, ShardedSequences validation, String description) {
        this.train = train;
        this.validation = validation;
        this.description = description;
    }

    /**
     * Opens {@code dir} (a {@code wafer data prepare} output).
     *
     * @param label how to name the data in reports, e.g. {@code embedded sample}
     */
    public static PreparedStudyData open(Path dir, String label) throws IOException {
        String tokenizer = ManifestJson.read(dir).settings().tokenizer();
        DatasetLayout layout = new DatasetLayout(dir);
        ShardedSequences train = ShardedSequences.open(layout, Split.TRAIN, true);
        ShardedSequences val = ShardedSequences.open(layout, Split.VALIDATION, true);
        String description = String.format(Locale.ROOT, "%s (%s), tokenizer %s, vocabulary %d, %,d train and %,d"
                + " validation sequences of %d tokens", label, dir, tokenizer, train.vocabSize(), train.count(),
                val.count(), train.sequenceLength());
        return new PreparedStudyData(train, val, description);
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
        return validation.count() >= 2 ? new SequenceBatchSource(validation, 0) : null;
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
        validation.close();
    }
}
