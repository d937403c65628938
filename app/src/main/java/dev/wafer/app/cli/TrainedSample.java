package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import dev.wafer.domain.session.DataKind;
import dev.wafer.formats.data.SampleDataset;
import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * The embedded sample a checkpoint was trained on (data kind {@code sample}, which records a fingerprint but no path):
 * its prepared copy is the cache entry {@code train} uses for the run's sequence length, looked up as
 * {@code train --resume} looks it up ({@code $WAFER_CACHE}, else {@code ~/.cache/wafer}). Never prepares it.
 */
final class TrainedSample {
    private TrainedSample() {
    }

    /** The training section of a sample-trained checkpoint; empty for any other. */
    static Optional<TrainingHeader> of(CheckpointedModel model) {
        return model.training().filter(t -> t.data().kind().equals(DataKind.SAMPLE.id()));
    }

    /** Where the sample for {@code seqLength} is (or would be) prepared. */
    static Path directory(int seqLength) {
        return SampleDataset.directory(SampleDataset.defaultCacheRoot(), seqLength);
    }

    /** The prepared sample for {@code seqLength} when it is in the cache and current; empty otherwise. */
    static Optional<Path> prepared(int seqLength) {
        try {
            return SampleDataset.prepared(SampleDataset.defaultCacheRoot(), seqLength);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // unreadable: said as not prepared, with where it would be
        }
    }

    /**
     * Where the sample's prepared copy is, for messages: {@code the sample is prepared at DIR}, or, when the cache
     * holds none, {@code the sample is not prepared at DIR: ...} and how to prepare it there.
     */
    static String where(int seqLength) {
        return prepared(seqLength).map(dir -> "the sample is prepared at " + DisplayName.of(dir.toString()))
                .orElse("the sample is not prepared at " + DisplayName.of(directory(seqLength).toString())
                        + ": `wafer train --seq " + seqLength + "` without --data prepares it there (or set"
                        + " WAFER_CACHE to the cache the run was trained with)");
    }

    /** {@link #where} and what to pass as {@code flag}: the prepared copy's directory. */
    static String hint(int seqLength, String flag) {
        String dir = DisplayName.of(directory(seqLength).toString());
        return where(seqLength) + (prepared(seqLength).isPresent() ? ": pass " : ", then pass ") + flag + " " + dir;
    }
}
