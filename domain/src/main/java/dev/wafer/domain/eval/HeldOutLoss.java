package dev.wafer.domain.eval;

import dev.wafer.ports.data.TokenBatchSource;

/**
 * Cross-entropy on a held-out split read as packed micro-batches (the validation loss a training run reports):
 * every target token weighs the same, and totals are summed before the mean is taken.
 */
public final class HeldOutLoss {
    private HeldOutLoss() {
    }

    /**
     * Scores {@code batches} micro-batches of {@code batch} x {@code seq} tokens drawn from {@code source}.
     *
     * @throws IllegalArgumentException if a size is not positive
     */
    public static CrossEntropyTotals score(TokenBatchSource source, BatchLoss model, int batches, int batch, int seq) {
        if (batches < 1 || batch < 1 || seq < 1) {
            throw new IllegalArgumentException("held-out scoring needs positive sizes: " + batches + " batches of "
                    + batch + " x " + seq);
        }
        int n = batch * seq;
        int[] inputs = new int[n];
        int[] targets = new int[n];
        CrossEntropyTotals totals = CrossEntropyTotals.ZERO;
        for (int i = 0; i < batches; i++) {
            source.next(inputs, targets, batch, seq);
            totals = totals.plus(model.meanLoss(inputs, targets) * n, n);
        }
        return totals;
    }
}
