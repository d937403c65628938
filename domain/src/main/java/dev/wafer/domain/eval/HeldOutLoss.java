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

    /**
     * Scores {@code sequences} sequences of {@code seq} tokens drawn from {@code source} in micro-batches of
     * {@code batch}; a last micro-batch with fewer sequences left is filled from the source and only its first rows
     * count, so no sequence is scored twice.
     *
     * @param model the mean loss of the first {@code rows} rows of a full micro-batch
     * @throws IllegalArgumentException if a size is not positive
     */
    public static CrossEntropyTotals scoreSequences(TokenBatchSource source, RowsLoss model, long sequences,
            int batch, int seq) {
        if (sequences < 1 || batch < 1 || seq < 1) {
            throw new IllegalArgumentException("held-out scoring needs positive sizes: " + sequences
                    + " sequences in micro-batches of " + batch + " x " + seq);
        }
        int n = batch * seq;
        int[] inputs = new int[n];
        int[] targets = new int[n];
        CrossEntropyTotals totals = CrossEntropyTotals.ZERO;
        for (long done = 0; done < sequences; done += batch) {
            int rows = (int) Math.min(batch, sequences - done);
            source.next(inputs, targets, batch, seq);
            totals = totals.plus(model.meanLoss(inputs, targets, rows) * rows * seq, (long) rows * seq);
        }
        return totals;
    }

    /** A model's mean loss over the first rows of a micro-batch. */
    @FunctionalInterface
    public interface RowsLoss {
        /**
         * Runs the model forward on {@code inputs} and returns the mean cross-entropy, in nats per token, of the
         * first {@code rows} sequences' {@code targets}.
         */
        double meanLoss(int[] inputs, int[] targets, int rows);
    }
}
