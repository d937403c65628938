package dev.wafer.domain.recipe;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;

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

    private LearningRates() {
    }

    /** A run without a preset: {@link #DEFAULT_SP} for SP, {@link #MUP} for muP. */
    public static double withoutPreset(ParameterisationKind kind) {
        return kind == ParameterisationKind.MUP ? MUP : DEFAULT_SP;
    }

    /** A preset run: the preset's own peak in its parameterisation, else {@link #MUP} or {@link #PAPER_SP}. */
    public static double forPreset(CerebrasGptPreset preset, ParameterisationKind kind) {
        if (preset.parameterisation() == kind) {
            return preset.schedule().lrInTokens().peak();
        }
        return kind == ParameterisationKind.MUP ? MUP : PAPER_SP;
    }

    /** A scaling-study run: {@link #STUDY_SP} for SP, {@link #MUP} for muP. */
    public static double forStudy(ParameterisationKind kind) {
        return kind == ParameterisationKind.MUP ? MUP : STUDY_SP;
    }
}
