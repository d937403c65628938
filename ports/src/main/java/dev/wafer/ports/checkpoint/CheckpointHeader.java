package dev.wafer.ports.checkpoint;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything in a checkpoint besides the tensors, typed: the model it holds and, for a training checkpoint, the run
 * state that lets {@code --resume} continue exactly. Imported or exported models carry no training section.
 *
 * <p>Resume needs the whole training section (a dropped optimizer step or data position silently restarts the
 * learning-rate schedule or replays data): see reference-facts 6, pain points 7 and 8.
 *
 * @param model    the model's shape and parameterisation
 * @param training the run state of a training checkpoint; empty for a parameters-only checkpoint
 */
public record CheckpointHeader(ModelHeader model, Optional<TrainingHeader> training) {
    /** Rejects missing parts. */
    public CheckpointHeader {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(training, "training");
    }

    /** A parameters-only header (imported or exported models). */
    public static CheckpointHeader modelOnly(ModelHeader model) {
        return new CheckpointHeader(model, Optional.empty());
    }
}
