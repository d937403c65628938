package dev.wafer.domain.schedule;

/**
 * Linear warm-up from 0 to {@code peak} over {@code warmup} units, then decay to {@code end} over {@code decay}
 * units, then constant at {@code end}. Units are steps or tokens, whichever the caller measures position in.
 *
 * <p>Semantics follow Modelzoo's SequentialLR: for position {@code x < warmup} the warm-up applies
 * ({@code peak * x / warmup}); from {@code warmup} on, the decay is evaluated at {@code x - warmup}, so its own
 * position restarts at zero on the milestone.
 *
 * @param peak   learning rate at the end of warm-up
 * @param end    learning rate at the end of decay (10% of peak in the paper)
 * @param warmup length of warm-up (may be 0)
 * @param decay  length of decay (positive)
 * @param type   linear or cosine
 */
public record WarmupDecaySchedule(double peak, double end, double warmup, double decay, DecayType type) {

    /** The fraction of the peak that every Cerebras-GPT schedule decays to. */
    public static final double PAPER_END_FRACTION = 0.1;

    /** Validates the values; each message names the field. */
    public WarmupDecaySchedule {
        if (!(peak > 0) || Double.isInfinite(peak)) {
            throw new IllegalArgumentException("peak learning rate must be positive and finite, found " + peak);
        }
        if (!(end >= 0) || end > peak) {
            throw new IllegalArgumentException("end learning rate must be in [0, peak=" + peak + "], found " + end);
        }
        if (!(warmup >= 0) || Double.isInfinite(warmup)) {
            throw new IllegalArgumentException("warm-up length must be >= 0, found " + warmup);
        }
        if (!(decay > 0) || Double.isInfinite(decay)) {
            throw new IllegalArgumentException("decay length must be positive, found " + decay);
        }
        if (type == null) {
            throw new IllegalArgumentException("decay type must be given");
        }
    }

    /** A schedule that decays to 10% of {@code peak}, as every schedule in the paper does. */
    public static WarmupDecaySchedule paper(double peak, double warmup, double decay, DecayType type) {
        return new WarmupDecaySchedule(peak, peak * PAPER_END_FRACTION, warmup, decay, type);
    }

    /** The learning rate at {@code position} (steps or tokens already consumed). */
    public double lrAt(double position) {
        if (!(position >= 0)) {
            throw new IllegalArgumentException("schedule position must be >= 0, found " + position);
        }
        if (position < warmup) {
            return peak * position / warmup;
        }
        double x = Math.min(position - warmup, decay);
        return switch (type) {
            case LINEAR -> (peak - end) * (1 - x / decay) + end;
            case COSINE -> end + (peak - end) * 0.5 * (1 + Math.cos(Math.PI * x / decay));
        };
    }

    /** Total length: warm-up plus decay. */
    public double length() {
        return warmup + decay;
    }
}
