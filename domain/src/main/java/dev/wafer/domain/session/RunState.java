package dev.wafer.domain.session;

import java.util.Objects;

/**
 * The typed state of a training run: what defines it and where it stands. A checkpoint stores exactly this (plus
 * the parameters and optimizer moments), through {@link RunStateHeaders}.
 *
 * @param spec     what defines the run
 * @param position where it stands
 */
public record RunState(RunSpec spec, RunPosition position) {
    /**
     * Rejects missing parts, and batches still to be trained that are not whole numbers of the micro-batch.
     *
     * @throws IllegalArgumentException for such a batch ({@link RunSpec#requireWholeMicroBatchesFrom})
     */
    public RunState {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(position, "position");
        spec.requireWholeMicroBatchesFrom(position.step());
    }
}
