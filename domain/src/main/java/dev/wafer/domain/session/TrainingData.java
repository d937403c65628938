package dev.wafer.domain.session;

import java.util.Objects;
import java.util.Optional;

import dev.wafer.ports.data.ResumableBatchSource;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * The batches a session trains and validates on. The caller opens (and closes) the files behind them.
 *
 * @param train       training batches; the session seeks it to the saved position on resume
 * @param validation  held-out batches scored after a complete run, if the data has a validation split
 * @param description what the data is, for progress output
 */
public record TrainingData(ResumableBatchSource train, Optional<TokenBatchSource> validation, String description) {
    /** Rejects missing parts. */
    public TrainingData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(validation, "validation");
        Objects.requireNonNull(description, "description");
    }
}
