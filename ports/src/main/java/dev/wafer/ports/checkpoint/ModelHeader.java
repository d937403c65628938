package dev.wafer.ports.checkpoint;

import java.util.Objects;
import java.util.Optional;

/**
 * The model a checkpoint holds: GPT-2-style dimensions and the parameterisation it was trained with.
 *
 * @param vocab            vocabulary size
 * @param positions        learned positions (the longest sequence the model takes)
 * @param layers           decoder blocks
 * @param heads            attention heads per block
 * @param dModel           residual width
 * @param dFfn             feed-forward hidden width
 * @param parameterisation {@code sp} or {@code mup}
 * @param importedFrom     where an imported model came from (a Hugging Face directory), if it was imported
 */
public record ModelHeader(int vocab, int positions, int layers, int heads, int dModel, int dFfn,
        String parameterisation, Optional<String> importedFrom) {
    /** Rejects missing fields; the domain validates the values when it builds a shape from them. */
    public ModelHeader {
        Objects.requireNonNull(parameterisation, "parameterisation");
        Objects.requireNonNull(importedFrom, "importedFrom");
    }
}
