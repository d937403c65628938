package dev.wafer.domain.schedule;

import java.util.ArrayList;
import java.util.List;

/**
 * Batch size in sequences as a function of tokens already trained: a first phase from token 0, and optionally
 * later phases that start at a token count (the 13B run: 720 sequences, then 1080 from 84B tokens on). A phase
 * change takes effect at the first step whose start lies at or after the phase's start token.
 */
public final class BatchSizeSchedule {

    /**
     * One phase.
     *
     * @param startTokens tokens trained before this phase begins; finite
     * @param sequences   batch size in sequences during the phase
     */
    public record Phase(double startTokens, int sequences) {
        /**
         * Validates the values.
         *
         * @throws IllegalArgumentException for a negative or non-finite start, or a batch size below one
         */
        public Phase {
            // Finite: a checkpoint records the start as a JSON number, which has no infinity.
            if (!(startTokens >= 0) || Double.isInfinite(startTokens)) {
                throw new IllegalArgumentException("phase start must be >= 0 tokens and finite, found " + startTokens);
            }
            if (sequences <= 0) {
                throw new IllegalArgumentException("batch size must be positive, found " + sequences);
            }
        }
    }

    private final int seqLength;
    private final List<Phase> phases;
    /** First global step of each phase, and the tokens trained before it, precomputed once. */
    private final long[] phaseFirstStep;
    private final double[] phaseFirstTokens;

    private BatchSizeSchedule(int seqLength, List<Phase> phases) {
        if (seqLength <= 0) {
            throw new IllegalArgumentException("sequence length must be positive, found " + seqLength);
        }
        if (phases.isEmpty() || phases.get(0).startTokens() != 0) {
            throw new IllegalArgumentException("the first batch-size phase must start at token 0");
        }
        for (int i = 1; i < phases.size(); i++) {
            if (!(phases.get(i).startTokens() > phases.get(i - 1).startTokens())) {
                throw new IllegalArgumentException("batch-size phases must start at increasing token counts");
            }
        }
        this.seqLength = seqLength;
        this.phases = List.copyOf(phases);
        this.phaseFirstStep = new long[phases.size()];
        this.phaseFirstTokens = new double[phases.size()];
        for (int i = 1; i < phases.size(); i++) {
            double tokensPerStep = (double) phases.get(i - 1).sequences() * seqLength;
            double span = phases.get(i).startTokens() - phaseFirstTokens[i - 1];
            long steps = (long) Math.ceil(span / tokensPerStep - 1e-9);
            phaseFirstStep[i] = phaseFirstStep[i - 1] + steps;
            phaseFirstTokens[i] = phaseFirstTokens[i - 1] + steps * tokensPerStep;
        }
    }

    /** A constant batch size. */
    public static BatchSizeSchedule constant(int sequences, int seqLength) {
        return new BatchSizeSchedule(seqLength, List.of(new Phase(0, sequences)));
    }

    /** A batch size that changes at the given token counts. */
    public static BatchSizeSchedule phased(int seqLength, List<Phase> phases) {
        return new BatchSizeSchedule(seqLength, new ArrayList<>(phases));
    }

    /** Sequence length in tokens. */
    public int seqLength() {
        return seqLength;
    }

    /** The phases, in order. */
    public List<Phase> phases() {
        return phases;
    }

    /**
     * The phases in force at global step {@code step} or later: the ones a run standing at that step has still to
     * train (earlier phases are finished).
     */
    public List<Phase> phasesFromStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
        return phases.subList(phaseOf(step), phases.size());
    }

    /**
     * Batch size in sequences at global step {@code step} (0-based).
     *
     * @throws IllegalArgumentException for a negative step
     */
    public int sequencesAtStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
        return phases.get(phaseOf(step)).sequences();
    }

    /** Batch size in tokens at global step {@code step}. */
    public long tokensPerStepAt(long step) {
        return (long) sequencesAtStep(step) * seqLength;
    }

    /** Tokens trained before global step {@code step} begins. */
    public double tokensBeforeStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, found " + step);
        }
        int p = phaseOf(step);
        return phaseFirstTokens[p] + (double) (step - phaseFirstStep[p]) * phases.get(p).sequences() * seqLength;
    }

    /** The number of steps needed to train at least {@code tokens} tokens. */
    public long stepsFor(double tokens) {
        if (!(tokens >= 0)) {
            throw new IllegalArgumentException("tokens must be >= 0, found " + tokens);
        }
        int p = phases.size() - 1;
        while (p > 0 && phaseFirstTokens[p] > tokens) {
            p--;
        }
        double perStep = (double) phases.get(p).sequences() * seqLength;
        return phaseFirstStep[p] + (long) Math.ceil((tokens - phaseFirstTokens[p]) / perStep - 1e-9);
    }

    /**
     * Rescales a step counter when the batch size changes on resume, keeping tokens fixed: the Cerebras 13B run
     * reset its step from 57000 at 720 sequences to 38000 at 1080 (57000 x 720 / 1080).
     *
     * @throws IllegalArgumentException when the tokens do not divide into whole steps of the new batch size
     */
    public static long rescaleStep(long step, int fromSequences, int toSequences) {
        if (step < 0 || fromSequences <= 0 || toSequences <= 0) {
            throw new IllegalArgumentException("step must be >= 0 and batch sizes positive: step " + step
                    + ", from " + fromSequences + ", to " + toSequences);
        }
        long sequences = Math.multiplyExact(step, (long) fromSequences);
        if (sequences % toSequences != 0) {
            throw new IllegalArgumentException("step " + step + " at batch " + fromSequences + " is "
                    + sequences + " sequences, not a whole number of steps at batch " + toSequences);
        }
        return sequences / toSequences;
    }

    private int phaseOf(long step) {
        int p = phases.size() - 1;
        while (p > 0 && phaseFirstStep[p] > step) {
            p--;
        }
        return p;
    }

    /** Equal when the sequence length and every phase are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof BatchSizeSchedule other && seqLength == other.seqLength && phases.equals(other.phases);
    }

    @Override
    public int hashCode() {
        return 31 * seqLength + phases.hashCode();
    }

    @Override
    public String toString() {
        return "BatchSizeSchedule[seq " + seqLength + ", " + phases + "]";
    }
}
