package dev.wafer.domain.recipe;

import java.util.List;
import java.util.Optional;

/**
 * Which settings a checkpoint fixes: a resumed run continues the saved one exactly, so its model, schedule, seed,
 * precision and data kind come from the checkpoint. What may change is how the rest is carried out: the batch from
 * here on, the micro-batch, where the data now lives, and the run's own flags (output, stopping, reporting).
 */
public final class ResumePolicy {
    /** The settings of a {@link RunRequest} that may be given on resume. */
    public static final List<String> MAY_CHANGE = List.of("--batch-tokens", "--micro-batch");

    private ResumePolicy() {
    }

    /** The first setting {@code request} gives that the checkpoint fixes, if any. */
    public static Optional<String> firstFixed(RunRequest request) {
        return request.given().keySet().stream().filter(flag -> !MAY_CHANGE.contains(flag)).findFirst();
    }
}
