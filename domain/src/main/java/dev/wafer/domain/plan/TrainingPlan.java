package dev.wafer.domain.plan;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.DecayType;

/**
 * A planned training run.
 *
 * @param shape              model dimensions
 * @param parameterisation   SP or muP
 * @param params             total parameters (Appendix E)
 * @param tokens             training tokens
 * @param trainingFlops      training FLOPs of the run (Appendix F)
 * @param inferenceFlops     FLOPs of the expected inference tokens (0 when none were given)
 * @param predictedLoss      predicted Pile test loss, nats per token (equation 1, with equation 4's penalty when
 *                           the run is not at 20 tokens per parameter)
 * @param peakLearningRate   peak learning rate
 * @param batchSequences     batch size in sequences
 * @param warmupTokens       warm-up length in tokens
 * @param decayType          decay after warm-up, to 10% of the peak
 * @param hyperparametersFrom the preset whose learning rate and batch size the plan borrows
 */
public record TrainingPlan(ModelShape shape, ParameterisationKind parameterisation, long params, double tokens,
        double trainingFlops, double inferenceFlops, double predictedLoss, double peakLearningRate,
        int batchSequences, double warmupTokens, DecayType decayType, String hyperparametersFrom) {

    /** Tokens per parameter of the run. */
    public double tokensPerParameter() {
        return tokens / params;
    }

    /** Training plus inference FLOPs (equation 2). */
    public double totalFlops() {
        return trainingFlops + inferenceFlops;
    }
}
