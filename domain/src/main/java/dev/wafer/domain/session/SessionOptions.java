package dev.wafer.domain.session;

import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * How a session runs, as opposed to what it trains ({@link RunSpec}): none of this changes the run's results, so a
 * run stopped early and resumed ends exactly where an uninterrupted run ends.
 *
 * @param checkpointing     where and how often to checkpoint; empty: never
 * @param stopAtStep        stop after this optimizer step (the schedule is unchanged)
 * @param maxTokens         stop at the first step boundary at or after this many tokens trained
 * @param validationBatches held-out micro-batches to score after a complete run (0: none)
 * @param nanoClock         time source for throughput metrics only
 */
public record SessionOptions(Optional<Checkpointing> checkpointing, long stopAtStep, long maxTokens,
        int validationBatches, LongSupplier nanoClock) {

    /** @throws IllegalArgumentException for non-positive limits or a negative batch count */
    public SessionOptions {
        Objects.requireNonNull(checkpointing, "checkpointing");
        Objects.requireNonNull(nanoClock, "nanoClock");
        if (stopAtStep < 1 || maxTokens < 1 || validationBatches < 0) {
            throw new IllegalArgumentException("stop step and token limit must be positive and validation batches"
                    + " >= 0: " + stopAtStep + ", " + maxTokens + ", " + validationBatches);
        }
    }

    /** No checkpoints, no early stop, 8 validation batches, the system clock. */
    public static SessionOptions defaults() {
        return new SessionOptions(Optional.empty(), Long.MAX_VALUE, Long.MAX_VALUE, 8, System::nanoTime);
    }

    /** These options checkpointing as given. */
    public SessionOptions checkpointTo(Checkpointing c) {
        return new SessionOptions(Optional.of(c), stopAtStep, maxTokens, validationBatches, nanoClock);
    }

    /** These options stopping after optimizer step {@code step}. */
    public SessionOptions stopAt(long step) {
        return new SessionOptions(checkpointing, step, maxTokens, validationBatches, nanoClock);
    }

    /** These options stopping once {@code tokens} tokens are trained. */
    public SessionOptions maxTokens(long tokens) {
        return new SessionOptions(checkpointing, stopAtStep, tokens, validationBatches, nanoClock);
    }

    /** These options scoring {@code batches} held-out micro-batches after a complete run. */
    public SessionOptions validationBatches(int batches) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, batches, nanoClock);
    }

    /** These options timing steps with {@code clock}. */
    public SessionOptions clock(LongSupplier clock) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, clock);
    }
}
