package dev.wafer.ports.data;

/**
 * Supplies micro-batches of token ids. Sources are deterministic given their seed, so runs are reproducible.
 * The caller owns the arrays, so no allocation happens per batch.
 */
public interface TokenBatchSource {
    /**
     * Fills {@code inputs} and {@code targets} (each {@code batch*seq} ids, row-major) with the next micro-batch;
     * {@code targets[i]} is the token that follows {@code inputs[i]} in the data.
     *
     * @throws IllegalArgumentException if the data cannot supply a sequence of this length
     */
    void next(int[] inputs, int[] targets, int batch, int seq);
}
