package dev.wafer.domain.eval;

/** What held-out scoring needs from a model: the mean cross-entropy of one micro-batch. */
@FunctionalInterface
public interface BatchLoss {
    /**
     * Runs the model forward on {@code inputs} and returns the mean cross-entropy, in nats per token, of predicting
     * {@code targets} (both {@code batch * seq} ids, row-major).
     */
    double meanLoss(int[] inputs, int[] targets);
}
