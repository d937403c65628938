package dev.wafer.domain.session;

import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;

/**
 * How a session runs, as opposed to what it trains ({@link RunSpec}): none of this changes the run's results, so a
 * run stopped early and resumed ends exactly where an uninterrupted run ends.
 *
 * @param checkpointing     where and how often to checkpoint; empty: never
 * @param stopAtStep        stop after this optimizer step (the schedule is unchanged)
 * @param maxTokens         stop at the first step boundary at or after this many tokens trained
 * @param validationBatches held-out batches of {@link #VALIDATION_BATCH_SEQUENCES} sequences to score after a
 *                          complete run (0: none), whatever the micro-batch: the validation loss of a run does not
 *                          depend on the memory it was trained in (they are run through the model in micro-batches)
 * @param nanoClock         time source for throughput metrics only
 * @param stopRequested     polled after every optimizer step: when it turns true (a preemption signal), the session
 *                          checkpoints and returns, and {@link RunOutcome#interrupted()} says so; across ranks,
 *                          all of them stop after the step during which any one's turned true; polled too before
 *                          each micro-batch of the end-of-run validation, which a stop (asked for then or during
 *                          the last step) leaves unscored ({@link RunOutcome#validationStopped()})
 * @param underflowEvery    run the underflow diagnostic on every this many optimizer steps (0: never); it observes
 *                          and changes nothing
 * @param collective        the ranks that share each step's micro-batches (data parallelism); every rank runs a
 *                          session with the same spec, and only the one that checkpoints should be given
 *                          {@code checkpointing}
 * @param shardOptimizer    shard AdamW's moments over the ranks (ZeRO stage 1: each rank holds and updates
 *                          {@code 1/N} of them); with one rank it changes nothing. Every rank must then be given
 *                          {@code checkpointing} with the same cadence, since a save gathers the moments from every
 *                          rank: the writer's, and {@link Checkpointing#participant} on the others
 * @param recompute         activation recomputation: the backward recomputes each block's activations from its
 *                          input (same gradients, less memory, one more forward pass of the blocks)
 * @param validationSequences the most held-out sequences to score; the last micro-batch is scored in part when
 *                          this (or the batches) cuts it. A validation source that is a
 *                          {@link dev.wafer.domain.data.SequenceBatchSource} is never scored past one epoch of its
 *                          split (each sequence at most once), whatever this says; for another source, give what
 *                          its split holds, so that none is scored twice
 */
public record SessionOptions(Optional<Checkpointing> checkpointing, long stopAtStep, long maxTokens,
        int validationBatches, LongSupplier nanoClock, BooleanSupplier stopRequested, long underflowEvery,
        Collective collective, boolean shardOptimizer, boolean recompute, long validationSequences) {

    /** Sequences in a validation batch: a fixed count, so the validation loss does not depend on the micro-batch. */
    public static final int VALIDATION_BATCH_SEQUENCES = 8;

    /**
     * Rejects null components, non-positive limits, and a negative validation batch count or underflow interval.
     *
     * @throws IllegalArgumentException for non-positive limits or a negative batch count
     */
    public SessionOptions {
        Objects.requireNonNull(checkpointing, "checkpointing");
        Objects.requireNonNull(nanoClock, "nanoClock");
        Objects.requireNonNull(stopRequested, "stopRequested");
        Objects.requireNonNull(collective, "collective");
        if (underflowEvery < 0) {
            throw new IllegalArgumentException("the underflow report interval must be >= 0, found " + underflowEvery);
        }
        if (validationSequences < 0) {
            throw new IllegalArgumentException("validation sequences must be >= 0, found " + validationSequences);
        }
        if (stopAtStep < 1 || maxTokens < 1 || validationBatches < 0) {
            throw new IllegalArgumentException("stop step and token limit must be positive and validation batches"
                    + " >= 0: " + stopAtStep + ", " + maxTokens + ", " + validationBatches);
        }
    }

    /**
     * No checkpoints, no early stop, 8 validation batches (each sequence of a smaller
     * {@link dev.wafer.domain.data.SequenceBatchSource} split scored once), the system clock, no diagnostic, a
     * single process.
     */
    public static SessionOptions defaults() {
        return new SessionOptions(Optional.empty(), Long.MAX_VALUE, Long.MAX_VALUE, 8, System::nanoTime, () -> false,
                0, SingleProcess.instance(), false, false, Long.MAX_VALUE);
    }

    /** These options checkpointing as given. */
    public SessionOptions checkpointTo(Checkpointing c) {
        return new SessionOptions(Optional.of(c), stopAtStep, maxTokens, validationBatches, nanoClock,
                stopRequested, underflowEvery, collective, shardOptimizer, recompute, validationSequences);
    }

    /** These options stopping after optimizer step {@code step}. */
    public SessionOptions stopAt(long step) {
        return new SessionOptions(checkpointing, step, maxTokens, validationBatches, nanoClock,
                stopRequested, underflowEvery, collective, shardOptimizer, recompute, validationSequences);
    }

    /** These options stopping once {@code tokens} tokens are trained. */
    public SessionOptions maxTokens(long tokens) {
        return new SessionOptions(checkpointing, stopAtStep, tokens, validationBatches, nanoClock,
                stopRequested, underflowEvery, collective, shardOptimizer, recompute, validationSequences);
    }

    /** These options scoring {@code batches} held-out batches of 8 sequences after a complete run. */
    public SessionOptions validationBatches(int batches) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, batches, nanoClock,
                stopRequested, underflowEvery, collective, shardOptimizer, recompute, validationSequences);
    }

    /**
     * These options stopping (with a checkpoint) after the step during which {@code stop} turned true, and leaving
     * the end-of-run validation unscored once it is true.
     */
    public SessionOptions stopWhen(BooleanSupplier stop) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, nanoClock,
                stop, underflowEvery, collective, shardOptimizer, recompute, validationSequences);
    }

    /** These options running the underflow diagnostic every {@code steps} optimizer steps (0: never). */
    public SessionOptions underflowReportEvery(long steps) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, nanoClock, stopRequested,
                steps, collective, shardOptimizer, recompute, validationSequences);
    }

    /** These options timing steps with {@code clock}. */
    public SessionOptions clock(LongSupplier clock) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, clock,
                stopRequested, underflowEvery, collective, shardOptimizer, recompute, validationSequences);
    }

    /** These options sharing each step among the ranks of {@code ranks}. */
    public SessionOptions across(Collective ranks) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, nanoClock, stopRequested,
                underflowEvery, ranks, shardOptimizer, recompute, validationSequences);
    }

    /** These options sharding the optimizer state over the ranks (or not). */
    public SessionOptions shardOptimizer(boolean shard) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, nanoClock, stopRequested,
                underflowEvery, collective, shard, recompute, validationSequences);
    }

    /** These options recomputing activations in the backward ({@code true}) or keeping them all. */
    public SessionOptions recomputeActivations(boolean on) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, nanoClock, stopRequested,
                underflowEvery, collective, shardOptimizer, on, validationSequences);
    }

    /** These options scoring at most {@code sequences} held-out sequences (what the validation split holds). */
    public SessionOptions validationSequences(long sequences) {
        return new SessionOptions(checkpointing, stopAtStep, maxTokens, validationBatches, nanoClock, stopRequested,
                underflowEvery, collective, shardOptimizer, recompute, sequences);
    }
}
