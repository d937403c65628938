package dev.wafer.app.cli;

import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.TrainingData;

/**
 * The note a run gets when it trains more sequences than its training split holds (it was silent: a split of 393
 * sequences trained 1200 without a word). A prepared dataset is drawn in epochs: each a new permutation of every
 * sequence but the split's last, which has no successor for its last target ({@link SequenceBatchSource}); a token
 * file is drawn in random windows and has no epochs.
 */
final class EpochNote {
    private EpochNote() {
    }

    /** Sequences per epoch of {@code data}'s training split; empty for a source without epochs. */
    static OptionalLong perEpoch(TrainingData data) {
        return data.train() instanceof SequenceBatchSource s ? OptionalLong.of(s.sequencesPerEpoch())
                : OptionalLong.empty();
    }

    /** Epochs the whole run trains ({@code perEpoch} sequences each). */
    static double epochs(RunSpec spec, long perEpoch) {
        return (double) sequences(spec) / perEpoch;
    }

    /** The note line (without "wafer: note: "), when the run trains more than one epoch. */
    static Optional<String> line(RunSpec spec, long perEpoch) {
        long sequences = sequences(spec);
        if (sequences <= perEpoch) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "the run trains %d sequences from a training split of %d (%d"
                + " an epoch: the split's last has no next token for its last target): about %.2f epochs, each"
                + " in a new order; the paper trains each token once",
                sequences, perEpoch + 1, perEpoch, epochs(spec, perEpoch)));
    }

    private static long sequences(RunSpec spec) {
        return spec.totalTokens() / spec.seqLength();
    }
}
