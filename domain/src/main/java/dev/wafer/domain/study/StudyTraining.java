package dev.wafer.domain.study;

import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.schedule.TrainingSchedule;

/**
 * How every model of a study is trained, apart from its width and learning rate.
 *
 * @param seqLength       tokens per sequence T
 * @param batchSequences  sequences per optimizer step B (one micro-batch, no accumulation)
 * @param adam            optimizer settings (Cerebras-GPT's by default: betas 0.9/0.95, wd 0.1, clip 1.0)
 * @param warmupFraction  fraction of the steps spent in linear warm-up before the linear decay to 10% of the peak
 * @param evalSequences   held-out sequences scored after training (each once; the last micro-batch in part)
 * @param seed            seed of initialisation and data order
 */
public record StudyTraining(int seqLength, int batchSequences, AdamWSettings adam, double warmupFraction,
                            int evalSequences, long seed) {
    /**
     * Checks that the sequence length is at least 2, the batch positive, the evaluation count not negative and the
     * warm-up fraction in [0, 1).
     *
     * @throws IllegalArgumentException for non-positive sizes or a warm-up fraction outside [0, 1)
     */
    public StudyTraining {
        if (seqLength < 2 || batchSequences < 1) {
            throw new IllegalArgumentException("sequence length must be at least 2 and batch positive: " + seqLength
                    + " x " + batchSequences);
        }
        if (evalSequences < 0) {
            throw new IllegalArgumentException("evalSequences must not be negative, found " + evalSequences);
        }
        if (!(warmupFraction >= 0 && warmupFraction < 1)) {
            throw new IllegalArgumentException("warm-up fraction must be in [0, 1), found " + warmupFraction);
        }
    }

    /** Cerebras AdamW (eps 1e-8), 10% warm-up. */
    public static StudyTraining of(int seqLength, int batchSequences, int evalSequences, long seed) {
        return new StudyTraining(seqLength, batchSequences, AdamWSettings.cerebras(1e-8), 0.1, evalSequences, seed);
    }

    /** Warm-up steps of a run of {@code steps}: the warm-up fraction of them, as train rounds its default. */
    public long warmupSteps(long steps) {
        return TrainingSchedule.warmupSteps(steps, warmupFraction);
    }

    /** These settings scoring {@code sequences} held-out sequences instead. */
    public StudyTraining withEvalSequences(int sequences) {
        return new StudyTraining(seqLength, batchSequences, adam, warmupFraction, sequences, seed);
    }

    /** Tokens per optimizer step. */
    public long batchTokens() {
        return (long) seqLength * batchSequences;
    }

    /**
     * The largest token budget a run of these settings takes: the most whole steps of {@link #batchTokens()} a
     * {@code long} counts. Budgets are rounded up to whole steps, so a larger one would overflow when rounded.
     */
    public long maxTokens() {
        return Long.MAX_VALUE / batchTokens() * batchTokens();
    }

    /** Optimizer steps of a budget of {@code tokens}, rounded up to whole steps (without overflowing). */
    public long stepsFor(long tokens) {
        return tokens / batchTokens() + (tokens % batchTokens() == 0 ? 0 : 1);
    }
}
