package dev.wafer.domain.session;

import java.util.List;

import dev.wafer.domain.precision.UnderflowStat;
import dev.wafer.ports.metrics.StepMetrics;

/**
 * One optimizer step as the session reports it.
 *
 * @param metrics      the step's loss, learning rate, gradient norm and throughput
 * @param tokens       tokens trained so far, this step included
 * @param batchTokens  tokens in this step's batch
 * @param microBatches micro-batches accumulated in this step
 * @param totalSteps   optimizer steps of the whole run
 * @param underflow    the underflow diagnostic of this step, worst first; empty unless it ran on this step
 */
public record StepReport(StepMetrics metrics, long tokens, long batchTokens, int microBatches, long totalSteps,
        List<UnderflowStat> underflow) {
    /** Copies the list. */
    public StepReport {
        underflow = List.copyOf(underflow);
    }

    /** A step without the underflow diagnostic. */
    public StepReport(StepMetrics metrics, long tokens, long batchTokens, int microBatches, long totalSteps) {
        this(metrics, tokens, batchTokens, microBatches, totalSteps, List.of());
    }
}
