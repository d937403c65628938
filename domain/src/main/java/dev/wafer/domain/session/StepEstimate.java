package dev.wafer.domain.session;

import java.util.function.LongSupplier;

import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.metrics.MetricsSink;

/**
 * The measured cost of a run's steps on a backend, for a dry run's time estimate: one micro-batch
 * (forward and backward) and one optimizer update, each timed after a warm-up step.
 *
 * @param microBatchSeconds forward + backward of one micro-batch
 * @param updateSeconds     clipping + AdamW update of the whole model
 */
public record StepEstimate(double microBatchSeconds, double updateSeconds) {

    /**
     * Builds the spec's model in {@code scope}, runs a warm-up step, then times one micro-batch alone and one
     * single-micro-batch optimizer step; the update's cost is the difference.
     */
    public static StepEstimate measure(ComputeBackend backend, TensorScope scope, RunSpec spec, TokenBatchSource data,
            LongSupplier clock) {
        return measure(backend, scope, spec, data, clock, false);
    }

    /** As {@link #measure(ComputeBackend, TensorScope, RunSpec, TokenBatchSource, LongSupplier)} for a run that
     * recomputes activations when {@code recompute}. */
    public static StepEstimate measure(ComputeBackend backend, TensorScope scope, RunSpec spec, TokenBatchSource data,
            LongSupplier clock, boolean recompute) {
        TrainableModel m = ModelAssembly.trainable(backend, scope, spec.shape(), spec.parameterisationRules(),
                spec.microBatch(), spec.seqLength(), spec.adam(), dev.wafer.domain.model.ModelPrecision.FP32,
                recompute);
        m.initialize(spec.seed());
        long micro = spec.microBatchTokens();
        Trainer trainer = new Trainer(m.model(), m.optimizer(), data, LearningRateSchedule.constant(1e-6),
                MetricsSink.NONE, new TrainerSettings(micro, 0, true), clock);
        trainer.step(); // warm-up: JIT compilation and first touch of every buffer
        int[] inputs = new int[(int) micro];
        int[] targets = new int[(int) micro];
        data.next(inputs, targets, spec.microBatch(), spec.seqLength());
        long t0 = clock.getAsLong();
        float weight = (float) (1.0 / micro);
        m.model().forward(inputs, targets, weight);
        m.model().backward(weight);
        double forwardBackward = (clock.getAsLong() - t0) / 1e9;
        double step = trainer.step().seconds();
        return new StepEstimate(forwardBackward, Math.max(0, step - forwardBackward));
    }

    /** Seconds of the whole run: every micro-batch of every step, plus one update per step. */
    public double runSeconds(RunSpec spec) {
        double microBatches = (double) spec.totalTokens() / spec.microBatchTokens();
        return microBatches * microBatchSeconds + spec.totalSteps() * updateSeconds;
    }
}
