package dev.wafer.domain.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A learning-rate schedule over tokens combined with a batch-size schedule: the learning rate at a step is the
 * token schedule at the tokens trained before that step. With a constant batch this is exactly the step-defined
 * schedule; with the 13B run's batch change it keeps the learning rate continuous in tokens.
 */
public final class TrainingSchedule {
    private final WarmupDecaySchedule lrInTokens;
    private final BatchSizeSchedule batches;
    private final double totalTokens;

    /**
     * A schedule of a run of {@code totalTokens} tokens.
     *
     * @param lrInTokens  learning rate as a function of tokens trained
     * @param batches     batch size per step
     * @param totalTokens tokens of the whole run
     * @throws NullPointerException naming a null schedule
     * @throws IllegalArgumentException if {@code totalTokens} is not positive
     */
    public TrainingSchedule(WarmupDecaySchedule lrInTokens, BatchSizeSchedule batches, double totalTokens) {
        Objects.requireNonNull(lrInTokens, "lrInTokens");
        Objects.requireNonNull(batches, "batches");
        if (!(totalTokens > 0)) {
            throw new IllegalArgumentException("total tokens must be positive, found " + totalTokens);
        }
        this.lrInTokens = lrInTokens;
        this.batches = batches;
        this.totalTokens = totalTokens;
    }

    /**
     * A schedule given in steps at a constant batch, as Modelzoo's configs give it: warm-up and decay steps are
     * converted to tokens at {@code sequences * seqLength} tokens per step.
     *
     * @throws IllegalArgumentException naming the argument: {@code sequences}, {@code seqLength},
     *                                  {@code decaySteps} or {@code totalSteps} not positive, {@code warmupSteps}
     *                                  negative
     */
    public static TrainingSchedule ofSteps(double peak, long warmupSteps, long decaySteps, DecayType type,
            int sequences, int seqLength, long totalSteps) {
        positive("sequences", sequences);
        positive("seqLength", seqLength);
        positive("decaySteps", decaySteps);
        positive("totalSteps", totalSteps);
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warmupSteps must be >= 0, found " + warmupSteps);
        }
        double tokensPerStep = (double) sequences * seqLength;
        return new TrainingSchedule(
                WarmupDecaySchedule.paper(peak, warmupSteps * tokensPerStep, decaySteps * tokensPerStep, type),
                BatchSizeSchedule.constant(sequences, seqLength), totalSteps * tokensPerStep);
    }

    /**
     * The warm-up of a run of {@code steps} steps that warms up over {@code fraction} of them: the fraction rounded
     * half up, at least one step when the run has two or more and the fraction is positive, and never the whole run
     * (one step is left to decay over). {@code train} without a preset (fraction 0.1) and the studies share it; until
     * 2026-12-07 train floored (19 steps warmed up over 1) and the studies rounded without the floor of one.
     *
     * @throws IllegalArgumentException if {@code steps} is not positive or {@code fraction} is outside [0, 1)
     */
    public static long warmupSteps(long steps, double fraction) {
        positive("steps", steps);
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("warm-up fraction must be in [0, 1), found " + fraction);
        }
        if (fraction == 0 || steps < 2) {
            return 0;
        }
        return Math.min(Math.max(1, Math.round(steps * fraction)), steps - 1);
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive, found " + value);
        }
    }

    /** Learning rate at global step {@code step}. */
    public double lrAtStep(long step) {
        return lrInTokens.lrAt(batches.tokensBeforeStep(step));
    }

    /** Tokens trained before global step {@code step}. */
    public double tokensBeforeStep(long step) {
        return batches.tokensBeforeStep(step);
    }

    /** Steps of the whole run. */
    public long totalSteps() {
        return batches.stepsFor(totalTokens);
    }

    /** Tokens of the whole run. */
    public double totalTokens() {
        return totalTokens;
    }

    /** The learning-rate schedule in tokens. */
    public WarmupDecaySchedule lrInTokens() {
        return lrInTokens;
    }

    /** The batch-size schedule. */
    public BatchSizeSchedule batches() {
        return batches;
    }

    /**
     * One point of a printed schedule.
     *
     * @param step      global step
     * @param tokens    tokens trained before the step
     * @param lr        learning rate used by the step
     * @param sequences batch size of the step
     */
    public record Point(long step, double tokens, double lr, int sequences) {
    }

    /**
     * Points at step 0, every {@code every} steps, the end of warm-up, and the last step.
     *
     * @throws IllegalArgumentException if {@code every} is not positive
     */
    public List<Point> sample(long every) {
        if (every <= 0) {
            throw new IllegalArgumentException("every must be positive, found " + every);
        }
        long last = totalSteps() - 1;
        List<Long> steps = new ArrayList<>();
        for (long s = 0; s <= last; s += every) {
            steps.add(s);
        }
        long warmupEnd = batches.stepsFor(lrInTokens.warmup());
        if (warmupEnd <= last && !steps.contains(warmupEnd)) {
            steps.add(warmupEnd);
        }
        if (!steps.contains(last)) {
            steps.add(last);
        }
        steps.sort(Long::compare);
        List<Point> points = new ArrayList<>(steps.size());
        for (long s : steps) {
            points.add(new Point(s, tokensBeforeStep(s), lrAtStep(s), batches.sequencesAtStep(s)));
        }
        return List.copyOf(points);
    }

    /** Equal when the learning-rate curve, the batch schedule and the total tokens are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingSchedule other && lrInTokens.equals(other.lrInTokens)
                && batches.equals(other.batches) && Double.compare(totalTokens, other.totalTokens) == 0;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(lrInTokens, batches, totalTokens);
    }

    @Override
    public String toString() {
        return "TrainingSchedule[" + lrInTokens + ", " + batches + ", " + totalTokens + " tokens]";
    }
}
