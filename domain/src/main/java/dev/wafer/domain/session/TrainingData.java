package dev.wafer.domain.session;

import java.util.Objects;
import java.util.Optional;

import dev.wafer.ports.data.ResumableBatchSource;
import dev.wafer.ports.data.TokenBatchSource;

/**
 * The batches a session trains and validates on. The caller opens (and closes) the files behind them.
 *
 * @param train       training batches; a new session's {@code run()} rewinds it to position 0 and a resumed
 *                    one's seeks it to the saved position, when it begins, so the same data may serve several runs
 *                    (built in any order, run one after another: two sessions must not run on it at the same time)
 * @param validation  held-out batches scored after a complete run, if the data has a validation split; scored from
 *                    its start: a {@link ResumableBatchSource} is rewound to position 0 first, any other source must
 *                    be a fresh one for each run
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
