package dev.wafer.domain.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.metrics.MetricsSink;

/**
 * The measured cost of a run's steps on a backend, for a dry run's time estimate: one micro-batch (forward and
 * backward) and one optimizer update, each the median of a few timings taken after warm-up steps.
 *
 * <p>Why several: on the JVM the first steps run interpreted or lightly compiled code. Timed after one warm-up step,
 * the default sample model's step took 0.48 s where training runs it in about 0.2 s, and the estimate was 2.4 times
 * the run. So small models warm up for {@value #WARM_UP_SECONDS} s (at most {@value #MAX_WARM_UP_STEPS} steps) and
 * are timed {@value #MAX_SAMPLES} times or for {@value #TIMING_SECONDS} s; a model whose step takes longer than that
 * is warmed up and timed once each, as before, so a dry run of a large model stays short.
 *
 * @param microBatchSeconds forward + backward of one micro-batch
 * @param updateSeconds     clipping + AdamW update of the whole model
 */
public record StepEstimate(double microBatchSeconds, double updateSeconds) {
    /** Seconds of warm-up steps before the timings (the first step always runs). */
    static final double WARM_UP_SECONDS = 4.0;
    /** The most warm-up steps. */
    static final int MAX_WARM_UP_STEPS = 20;
    /** Seconds of timed samples (the first sample always runs). */
    static final double TIMING_SECONDS = 2.0;
    /** The most timed samples. */
    static final int MAX_SAMPLES = 5;

    /**
     * Builds the spec's model in {@code scope}, runs warm-up steps, then times micro-batches alone and
     * single-micro-batch optimizer steps; the update's cost is the difference of the medians.
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
        // Warm-up: JIT compilation and first touch of every buffer.
        repeatFor(trainer::step, clock, WARM_UP_SECONDS, MAX_WARM_UP_STEPS);
        int[] inputs = new int[(int) micro];
        int[] targets = new int[(int) micro];
        float weight = (float) (1.0 / micro);
        List<Double> forwardBackward = new ArrayList<>();
        List<Double> steps = new ArrayList<>();
        repeatFor(() -> {
            data.next(inputs, targets, spec.microBatch(), spec.seqLength());
            long t0 = clock.getAsLong();
            m.model().forward(inputs, targets, weight);
            m.model().backward(weight);
            forwardBackward.add((clock.getAsLong() - t0) / 1e9);
            steps.add(trainer.step().seconds());
        }, clock, TIMING_SECONDS, MAX_SAMPLES);
        double fb = median(forwardBackward);
        return new StepEstimate(fb, Math.max(0, median(steps) - fb));
    }

    /**
     * Runs {@code work} once, then again while it has run fewer than {@code max} times and for less than
     * {@code seconds} in all by {@code clock} (nanoseconds); returns how many times it ran.
     */
    static int repeatFor(Runnable work, LongSupplier clock, double seconds, int max) {
        long start = clock.getAsLong();
        int runs = 0;
        do {
            work.run();
            runs++;
        } while (runs < max && (clock.getAsLong() - start) / 1e9 < seconds);
        return runs;
    }

    /** The middle value (the mean of the two middle ones for an even count): one slow sample does not move it. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Seconds of the whole run: every micro-batch of every step, plus one update per step. */
    public double runSeconds(RunSpec spec) {
        return seconds(spec, spec.totalTokens(), spec.totalSteps());
    }

    /**
     * Seconds of part of a run: {@code tokens} trained in micro-batches of {@code spec}'s size over {@code steps}
     * optimizer steps (a run stopped early with {@code --stop-at} or {@code --max-tokens}, or resumed).
     */
    public double seconds(RunSpec spec, double tokens, long steps) {
        return tokens / spec.microBatchTokens() * microBatchSeconds + steps * updateSeconds;
    }
}
