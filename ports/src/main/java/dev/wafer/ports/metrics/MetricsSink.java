package dev.wafer.ports.metrics;

/** Receives the metrics of each training step, in order, on the training thread. */
@FunctionalInterface
public interface MetricsSink {
    /** Called once per optimizer step. */
    void record(StepMetrics metrics);

    /** A sink that drops everything. */
    MetricsSink NONE = m -> { };
}
