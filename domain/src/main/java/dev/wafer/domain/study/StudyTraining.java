package dev.wafer.domain.study;

import dev.wafer.domain.optim.AdamWSettings;

/**
 * How every model of a study is trained, apart from its width and learning rate.
 *
 * @param seqLength       tokens per sequence T
 * @param batchSequences  sequences per optimizer step B (one micro-batch, no accumulation)
 * @param adam            optimizer settings (Cerebras-GPT's by default: betas 0.9/0.95, wd 0.1, clip 1.0)
 * @param warmupFraction  fraction of the steps spent in linear warm-up before the linear decay to 10% of the peak
 * @param evalSequences   held-out sequences scored after training (a multiple of {@code batchSequences} is used)
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

    /** Warm-up steps of a run of {@code steps}: the warm-up fraction of them, rounded. */
    long warmupSteps(long steps) {
        return Math.round(steps * warmupFraction);
    }

    /**
     * Refuses a run of {@code steps} whose warm-up leaves no step to decay over.
     *
     * @param run what the run is, for the message
     */
    void requireDecay(long steps, String run) {
        if (steps - warmupSteps(steps) < 1) {
            throw new IllegalArgumentException("warmupFraction " + warmupFraction + " of " + run + "'s " + steps
                    + " steps leaves no step to decay over (warm-up " + warmupSteps(steps) + " steps); use a smaller"
                    + " warm-up fraction or more steps");
        }
    }

    /** Tokens per optimizer step. */
    public long batchTokens() {
        return (long) seqLength * batchSequences;
    }
}
