package dev.wafer.domain.recipe;

import java.util.Optional;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.schedule.DecayType;

/** Peak learning rates used when a run does not name one. */
public final class LearningRates {
    /** SP peak of the default tiny model: the paper's 6e-4 is tuned for 111M and is slow at this width. */
    public static final double DEFAULT_SP = 2e-3;
    /** muP's transferred base rate (the paper's 6e-3), at every width. */
    public static final double MUP = CerebrasGptFamily.MUP_BASE_LEARNING_RATE;
    /** The paper's SP rate for 111M, for an SP run of a preset tuned for muP. */
    public static final double PAPER_SP = 6e-4;
    /** SP peak of the scaling study's small models, from the learning-rate sweep at those sizes. */
    public static final double STUDY_SP = 3e-3;

    /**
     * The least peak learning rate taken: the least normal 32-bit float. The optimizer applies rates as 32-bit
     * floats, so a smaller one lost its precision or became 0 ({@code --lr 1e-50} trained nothing, without a word).
     */
    public static final double MIN = Float.MIN_NORMAL;
    /** The largest peak learning rate taken: the largest 32-bit float (a larger one became infinite: NaN losses). */
    public static final double MAX = Float.MAX_VALUE;

    private LearningRates() {
    }

    /**
     * Whether {@code lr}, as the 32-bit float the optimizer applies, is in [{@link #MIN}, {@link #MAX}] (so positive,
     * finite and not NaN): the bounds as printed, 1.1754944E-38 and 3.4028235E38, are taken.
     */
    public static boolean inRange(double lr) {
        float applied = (float) lr;
        return applied >= Float.MIN_NORMAL && applied <= Float.MAX_VALUE;
    }

    /** The refusal of a learning rate out of range, naming the flag that gave it. */
    public static String outOfRange(String flag, double lr) {
        return flag + " must be in [" + (float) MIN + ", " + (float) MAX + "], the positive 32-bit floats the"
                + " optimizer applies it as, found " + lr;
    }

    /** A run without a preset: {@link #DEFAULT_SP} for SP, {@link #MUP} for muP. */
    public static double withoutPreset(ParameterisationKind kind) {
        return kind == ParameterisationKind.MUP ? MUP : DEFAULT_SP;
    }

    /**
     * A preset run's peak: the preset's own in its parameterisation; in the other, that of Table 1's row of the same
     * shape in it (1.3B as muP is 1.3B-mup's 6e-3, 2.7B-mup as SP is 2.7B's 2e-4), else {@link #MUP} (muP's rate
     * transfers to any width) or {@link #PAPER_SP}.
     */
    public static double forPreset(CerebrasGptPreset preset, ParameterisationKind kind) {
        if (preset.parameterisation() == kind) {
            return preset.schedule().lrInTokens().peak();
        }
        return sibling(preset, kind).map(s -> s.schedule().lrInTokens().peak())
                .orElse(kind == ParameterisationKind.MUP ? MUP : PAPER_SP);
    }

    /**
     * A preset run's decay, chosen as its peak is: the preset's own, else its Table 1 sibling's in {@code kind}, else
     * linear for muP (every muP row of Table 1 decays linearly) or the preset's own.
     */
    public static DecayType decayForPreset(CerebrasGptPreset preset, ParameterisationKind kind) {
        if (preset.parameterisation() == kind) {
            return preset.schedule().lrInTokens().type();
        }
        return sibling(preset, kind).map(s -> s.schedule().lrInTokens().type())
                .orElse(kind == ParameterisationKind.MUP ? DecayType.LINEAR : preset.schedule().lrInTokens().type());
    }

    /** The paper preset of the same shape in the other parameterisation (Table 1 pairs 111M-2.7B), if any. */
    private static Optional<CerebrasGptPreset> sibling(CerebrasGptPreset preset, ParameterisationKind kind) {
        return CerebrasGptFamily.all().stream()
                .filter(p -> p.parameterisation() == kind && p.shape().equals(preset.shape())).findFirst();
    }

    /** A scaling-study run: {@link #STUDY_SP} for SP, {@link #MUP} for muP. */
    public static double forStudy(ParameterisationKind kind) {
        return kind == ParameterisationKind.MUP ? MUP : STUDY_SP;
    }
}
