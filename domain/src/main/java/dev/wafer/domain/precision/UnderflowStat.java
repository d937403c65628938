package dev.wafer.domain.precision;

/**
 * The underflow of one tensor over an observed step: how many of its non-zero values a cast to 16 bits flushes
 * to zero (summed over the step's micro-batches).
 *
 * @param tensor  the site, e.g. {@code d_scores} (see {@link UnderflowMonitor})
 * @param layer   the layer, or -1 outside the blocks
 * @param nonZero non-zero values seen
 * @param flushed of those, values the cast turns into zero (0 when the run keeps the tensor in float32)
 * @param cast    whether the run rounds this tensor to 16 bits
 */
public record UnderflowStat(String tensor, int layer, long nonZero, long flushed, boolean cast) {
    /** {@code flushed / nonZero}, 0 when there are no non-zero values. */
    public double fraction() {
        return nonZero == 0 ? 0.0 : (double) flushed / nonZero;
    }

    /** The tensor and its layer, e.g. {@code d_scores[3]} or {@code lnf}. */
    public String label() {
        return layer < 0 ? tensor : tensor + "[" + layer + "]";
    }
}
