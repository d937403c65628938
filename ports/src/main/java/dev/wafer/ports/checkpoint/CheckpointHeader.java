package dev.wafer.ports.checkpoint;

import java.util.Map;
import java.util.Objects;

/**
 * Everything in a checkpoint besides the tensors, as JSON-like maps (values are {@code String}, {@code Number},
 * {@code Boolean}, {@code null}, {@code List} or {@code Map} of those). Each section belongs to the component that
 * restores it; the store only preserves them. Numbers come back normalised: integers as {@code Long}, other
 * numbers as {@code Double} (exactly the value saved; doubles round-trip bit for bit).
 *
 * <p>Resume needs all five (a dropped optimizer step or data position silently restarts the learning-rate schedule
 * or replays data): see reference-facts 6, pain points 7 and 8.
 *
 * @param model            model configuration (width, depth, heads, vocabulary, positions, ...)
 * @param parameterisation SP or muP and its multipliers
 * @param schedule         optimizer step, tokens seen, batch size at the time of saving
 * @param data             data-loader position (shard, offset, epoch, shuffle seed)
 * @param random           random-number generator state
 */
public record CheckpointHeader(
        Map<String, Object> model,
        Map<String, Object> parameterisation,
        Map<String, Object> schedule,
        Map<String, Object> data,
        Map<String, Object> random) {

    /** Rejects missing sections; an empty map is allowed. */
    public CheckpointHeader {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(parameterisation, "parameterisation");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(random, "random");
    }
}
