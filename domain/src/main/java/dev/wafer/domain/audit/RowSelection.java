package dev.wafer.domain.audit;

import java.util.Objects;
import java.util.Optional;

/**
 * Which packed rows of a split {@link RowSampler} draws from: every row, or only those the checkpoint was trained on;
 * when the trainer's order is known ({@link TrainedRows}), each sample records how many times its row was seen.
 *
 * @param trained     the checkpoint's trained rows, when they could be reconstructed
 * @param trainedOnly whether rows never trained on are left out
 */
public record RowSelection(Optional<TrainedRows> trained, boolean trainedOnly) {
    /** Rejects a null {@code trained} and a selection of trained rows only when those rows are unknown. */
    public RowSelection {
        Objects.requireNonNull(trained, "trained");
        if (trainedOnly && trained.isEmpty()) {
            throw new IllegalArgumentException("trained rows only, but they are unknown");
        }
    }

    /** Every row, times seen unknown (a held-out split, or a checkpoint whose order cannot be rebuilt). */
    public static RowSelection all() {
        return new RowSelection(Optional.empty(), false);
    }

    /** Every row, each with the times it was seen (0 for rows not trained on). */
    public static RowSelection all(TrainedRows trained) {
        return new RowSelection(Optional.of(trained), false);
    }

    /** Only rows trained on, each with the times it was seen. */
    public static RowSelection trainedOnly(TrainedRows trained) {
        return new RowSelection(Optional.of(trained), true);
    }

    /** Times {@code row} was seen: -1 when unknown. */
    long timesSeen(long row) {
        return trained.isPresent() ? trained.get().timesSeen(row) : -1;
    }

    /** Whether {@code row} may be drawn. */
    boolean admits(long row) {
        return !trainedOnly || trained.get().timesSeen(row) > 0;
    }
}
