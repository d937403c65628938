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
    /** @throws IllegalArgumentException for a negative cadence */
    public Checkpointing {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(file, "file");
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint cadence must be >= 0 steps, found " + everySteps);
        }
    }
}
