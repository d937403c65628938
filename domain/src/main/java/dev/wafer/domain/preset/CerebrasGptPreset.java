package dev.wafer.domain.preset;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.scaling.ParameterCount;
import dev.wafer.domain.scaling.PowerLaw;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;

/**
 * One model of the Cerebras-GPT family: its shape and how it was trained.
 *
 * @param name             the preset's name, e.g. {@code 111M} or {@code 111M-mup}
 * @param parameterisation SP or muP
 * @param shape            model dimensions
 * @param decayType        linear or cosine decay after warm-up
 * @param schedule         learning rate and batch size per step, over the whole run
 * @param adamEpsilon      Adam's epsilon (1e-8, or 1e-9 for 6.7B and 13B)
 */
public record CerebrasGptPreset(String name, ParameterisationKind parameterisation, ModelShape shape,
        DecayType decayType, TrainingSchedule schedule, double adamEpsilon) {

    /** Total parameters (Appendix E). */
    public long params() {
        return ParameterCount.total(shape);
    }

    /** Peak learning rate, reached at the end of warm-up. */
    public double peakLearningRate() {
        return schedule.lrInTokens().peak();
    }

    /** Tokens of the whole run. */
    public double totalTokens() {
        return schedule.totalTokens();
    }

    /** Batch size in sequences at the first step. */
    public int initialBatchSequences() {
        return schedule.batches().sequencesAtStep(0);
    }

    /** Warm-up length in tokens. */
    public double warmupTokens() {
        return schedule.lrInTokens().warmup();
    }

    /** Tokens per parameter of the run (20 for every Cerebras-GPT model). */
    public double tokensPerParameter() {
        return totalTokens() / params();
    }

    /** Training FLOPs of the whole run (Appendix F). */
    public double trainingFlops() {
        return FlopCount.trainingRun(shape, totalTokens());
    }

    /** Pile test loss that equation (1) predicts for this run's training FLOPs. */
    public double predictedLoss() {
        return PowerLaw.CEREBRAS_GPT_PILE.lossAt(trainingFlops());
    }
}
