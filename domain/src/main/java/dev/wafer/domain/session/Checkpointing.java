package dev.wafer.domain.session;

import java.nio.file.Path;
import java.util.Objects;

import dev.wafer.ports.checkpoint.CheckpointStore;

/**
 * Where and how often a session checkpoints: every {@code everySteps} optimizer steps (0: only when it stops) and
 * always when it stops, to {@code file} through {@code store} (atomically, so the last good checkpoint survives a
 * crash).
 *
 * @param store      the checkpoint store
 * @param file       the checkpoint file, replaced on every save
 * @param everySteps cadence in optimizer steps; 0 saves only when the session stops
 */
public record Checkpointing(CheckpointStore store, Path file, long everySteps) {
    /**
     * Rejects a null store or file and a negative cadence.
     *
     * @throws IllegalArgumentException for a negative cadence
     */
    public Checkpointing {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(file, "file");
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint cadence must be >= 0 steps, found " + everySteps);
        }
    }

    /**
     * What a rank that does not write gives a session whose optimizer is sharded: the same cadence, so that it takes
     * part in every save's gathering of the moments, through a store that reads every tensor and writes nothing.
     */
    public static Checkpointing participant(long everySteps) {
        return new Checkpointing(new ParticipantStore(), Path.of("(written by another rank)"), everySteps);
    }
}
