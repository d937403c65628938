package dev.wafer.domain.train;

import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.WarmupDecaySchedule;

/**
 * The learning-rate plan of a training run in optimizer steps, as a checkpoint stores it so that a resumed run
 * continues identically: warm-up to {@code peak}, decay to 10% of it, {@code totalSteps} steps of
 * {@code batchTokens} tokens each. Lengths are doubles because a batch-size change on resume rescales them.
 *
 * @param peak        peak learning rate
 * @param warmup      warm-up length in steps
 * @param decay       decay length in steps
 * @param totalSteps  optimizer steps of the whole run
 * @param type        linear or cosine decay
 * @param batchTokens tokens per optimizer step
 */
public record RunSchedule(double peak, double warmup, double decay, long totalSteps, DecayType type,
        long batchTokens) implements LearningRateSchedule {
    /** Validates the values (through {@link WarmupDecaySchedule} for the shape of the curve). */
    public RunSchedule {
        curve(peak, warmup, decay, type);
        if (totalSteps < 1 || batchTokens < 1) {
            throw new IllegalArgumentException("total steps and batch tokens must be positive: " + totalSteps + ", "
                    + batchTokens);
        }
    }

    /** The paper's schedule: {@code warmup} steps of warm-up, then decay over the remaining steps. */
    public static RunSchedule paper(double peak, long warmup, long totalSteps, DecayType type, long batchTokens) {
        return new RunSchedule(peak, warmup, totalSteps - warmup, totalSteps, type, batchTokens);
    }

    @Override
    public double lrAt(long step) {
        return curve(peak, warmup, decay, type).lrAt(step);
    }

    /**
     * Where a run continues when it is resumed at {@code stepsDone} with a different batch size: the step counter is
     * rescaled so that tokens are unchanged ({@link BatchSizeSchedule#rescaleStep}, as the Cerebras 13B run reset
     * 57000 steps at 720 sequences to 38000 at 1080; reference-facts 1.2), and warm-up, decay and the remaining run
     * are rescaled the same way, so the learning rate is continuous in tokens.
     *
     * @throws IllegalArgumentException when the tokens trained so far are not a whole number of new batches
     */
    public Resumed rescaledTo(long stepsDone, long newBatchTokens) {
        if (newBatchTokens < 1) {
            throw new IllegalArgumentException("batch tokens must be positive, found " + newBatchTokens);
        }
        if (newBatchTokens == batchTokens) {
            return new Resumed(stepsDone, this);
        }
        long g = gcd(batchTokens, newBatchTokens);
        long from = batchTokens / g;
        long to = newBatchTokens / g;
        if (from > Integer.MAX_VALUE || to > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch sizes " + batchTokens + " and " + newBatchTokens
                    + " tokens have no common unit small enough to rescale the step");
        }
        long step;
        try {
            step = BatchSizeSchedule.rescaleStep(stepsDone, (int) from, (int) to);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(stepsDone + " steps of " + batchTokens + " tokens are "
                    + Math.multiplyExact(stepsDone, batchTokens) + " tokens, not a whole number of batches of "
                    + newBatchTokens + " tokens; resume from a checkpoint at another step or pick another batch size");
        }
        double ratio = (double) batchTokens / newBatchTokens;
        long remainingTokens = Math.multiplyExact(Math.max(0, totalSteps - stepsDone), batchTokens);
        long remaining = (remainingTokens + newBatchTokens - 1) / newBatchTokens;
        RunSchedule next = new RunSchedule(peak, warmup * ratio, decay * ratio, step + remaining, type,
                newBatchTokens);
        return new Resumed(step, next);
    }

    /**
     * A rescaled resume point.
     *
     * @param stepsDone the optimizer step counter to continue from
     * @param schedule  the schedule in steps of the new batch size
     */
    public record Resumed(long stepsDone, RunSchedule schedule) {
    }

    private static WarmupDecaySchedule curve(double peak, double warmup, double decay, DecayType type) {
        return WarmupDecaySchedule.paper(peak, warmup, decay, type);
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
