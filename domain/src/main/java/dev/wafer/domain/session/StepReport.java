package dev.wafer.domain.session;

import dev.wafer.ports.metrics.StepMetrics;

/**
 * One optimizer step as the session reports it.
 *
 * @param metrics      the step's loss, learning rate, gradient norm and throughput
 * @param tokens       tokens trained so far, this step included
 * @param batchTokens  tokens in this step's batch
 * @param microBatches micro-batches accumulated in this step
 * @param totalSteps   optimizer steps of the whole run
 */
public record StepReport(StepMetrics metrics, long tokens, long batchTokens, int microBatches, long totalSteps) {
}
