package dev.wafer.app.cli;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.MemoryEstimate;

/**
 * Checks {@code eval --batch-tokens} against the largest buffer one tensor can hold, before anything is allocated:
 * the scorers size their buffers by it (rows of the window), and a budget past that limit used to end in an internal
 * error from the backend's allocator.
 */
final class ScoringBudget {
    private ScoringBudget() {
    }

    /**
     * Refuses {@code rows} rows of {@code window} positions when a buffer of the scorers would exceed one tensor.
     *
     * @param sharedContexts whether the context-sharing scorer runs (it keeps each layer's Q, K, V of the budget)
     * @param scoringModel   whether the training-sized scoring model is allocated (batched tasks or test-set loss)
     */
    static void check(ModelShape shape, int batchTokens, int rows, int window, boolean sharedContexts,
            boolean scoringModel) {
        if (largest(shape, rows, window, sharedContexts, scoringModel) <= MemoryEstimate.MAX_TENSOR_FLOATS) {
            return;
        }
        int lo = 0; // the most rows that fit; 1 row always fits a model that exists
        int hi = rows;
        while (hi - lo > 1) {
            int mid = (int) (((long) lo + hi) >>> 1);
            if (largest(shape, mid, window, sharedContexts, scoringModel) <= MemoryEstimate.MAX_TENSOR_FLOATS) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        throw new UserError("--batch-tokens " + batchTokens + " is too large for this model: "
                + (long) rows * window + " positions at once need a buffer of "
                + largest(shape, rows, window, sharedContexts, scoringModel) + " values, more than one tensor holds ("
                + MemoryEstimate.MAX_TENSOR_FLOATS + "); the most is " + (long) Math.max(lo, 1) * window
                + " (rows of the " + window + "-position window)");
    }

    /** The largest single buffer, in values. */
    static long largest(ModelShape shape, int rows, int window, boolean sharedContexts, boolean scoringModel) {
        long positions = (long) rows * window;
        long largest = 0;
        if (sharedContexts) { // each layer's kept Q, K, V and one pass's MLP activations
            largest = positions * Math.max(3L * shape.dModel(), shape.dFfn());
        }
        if (scoringModel) {
            largest = Math.max(largest, MemoryEstimate.of(shape, rows, window).largestTensorFloats());
        }
        return largest;
    }
}
