package dev.wafer.domain.train;

import java.util.Objects;
import java.util.function.LongSupplier;

import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.NonFiniteGradientException;
import dev.wafer.domain.precision.GradientScaler;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.metrics.MetricsSink;
import dev.wafer.ports.metrics.StepMetrics;

/**
 * Runs optimizer steps. Each step zeroes the gradients, accumulates {@code batchTokens / (B·T)} micro-batches
 * (each backward weighted by {@code 1/batchTokens}, so the gradient is that of the mean loss per token over the
 * whole batch), clips and updates with the scheduled learning rate, and reports {@link StepMetrics}.
 * Determinism comes from the seeded data source and initialisation; the clock only feeds the throughput metrics.
 *
 * <p>With a loss scaler (fp16), each backward weight is multiplied by the scale and the summed gradient is unscaled
 * once before clipping and AdamW; a non-finite gradient then backs the scale off and skips the step.
 *
 * <p>Across the ranks of a {@link Collective} (data parallelism), every rank reads the whole step's micro-batches in
 * the single-process order but computes only those whose index {@code i} has {@code i mod size == rank}; the
 * per-micro-batch losses and the gradient are then summed over the ranks (before unscaling), so each rank applies the
 * same AdamW step. The step's loss is then bit for bit the single-process one; the gradient agrees up to the order of
 * float additions (each rank accumulates its own micro-batches, then the ranks' sums are added). One difference
 * besides: a step skipped for a non-finite loss has still read all its micro-batches, where a single process stops
 * reading at the first non-finite one.
 *
 * <p>With a sharded optimizer ({@link AdamW#shard()}, ZeRO stage 1) the gradient is reduce-scattered instead of
 * all-reduced, the optimizer updates its shard (clipping by the global norm), and the parameters are all-gathered.
 */
public final class Trainer {
    private final GptModel model;
    private final AdamW optimizer;
    private final TokenBatchSource data;
    private final LearningRateSchedule schedule;
    private final MetricsSink metrics;
    private final TrainerSettings settings;
    private final LongSupplier nanoClock;
    private final GradientScaler scaler;
    private final int microSteps;
    private final int[] inputs;
    private final int[] targets;
    private final Collective collective;
    private final GradientAllReduce allReduce;
    private long step;
    /** Steps skipped one after another for a non-finite loss or gradient (skipping enabled). */
    private int consecutiveSkips;

    /**
     * Consecutive steps {@code --skip-nonfinite} skips before it gives up: a bad batch or two is what skipping is
     * for; this many in a row means the model itself is broken (its parameters overflow the forward pass), and
     * every later step would be skipped too.
     */
    public static final int MAX_CONSECUTIVE_SKIPS = 8;

    /**
     * A single-process trainer without loss scaling.
     *
     * @param nanoClock time source for the throughput metrics (System::nanoTime in production)
     * @throws IllegalArgumentException if the batch is not a multiple of the model's micro-batch
     */
    public Trainer(GptModel model, AdamW optimizer, TokenBatchSource data, LearningRateSchedule schedule,
                   MetricsSink metrics, TrainerSettings settings, LongSupplier nanoClock) {
        this(model, optimizer, data, schedule, metrics, settings, nanoClock, GradientScaler.disabled(),
                SingleProcess.instance());
    }

    /**
     * A single-process trainer with a loss scaler.
     *
     * @param scaler {@link GradientScaler#disabled()} for float32 and bf16
     */
    public Trainer(GptModel model, AdamW optimizer, TokenBatchSource data, LearningRateSchedule schedule,
                   MetricsSink metrics, TrainerSettings settings, LongSupplier nanoClock, GradientScaler scaler) {
        this(model, optimizer, data, schedule, metrics, settings, nanoClock, scaler, SingleProcess.instance());
    }

    /**
     * A trainer that shares each step's micro-batches among the ranks of {@code collective}, without loss scaling.
     *
     * @param collective the ranks of the run ({@link SingleProcess#instance()}: train alone)
     */
    public Trainer(GptModel model, AdamW optimizer, TokenBatchSource data, LearningRateSchedule schedule,
                   MetricsSink metrics, TrainerSettings settings, LongSupplier nanoClock, Collective collective) {
        this(model, optimizer, data, schedule, metrics, settings, nanoClock, GradientScaler.disabled(), collective);
    }

    /**
     * The general trainer: a loss scaler and the ranks that share each step. Every rank must be given the same
     * model, initialisation, data and settings.
     *
     * @param nanoClock  time source for the throughput metrics (System::nanoTime in production)
     * @param scaler     {@link GradientScaler#disabled()} for float32 and bf16
     * @param collective the ranks of the run ({@link SingleProcess#instance()}: train alone)
     * @throws IllegalArgumentException if the batch is not a multiple of the model's micro-batch
     */
    public Trainer(GptModel model, AdamW optimizer, TokenBatchSource data, LearningRateSchedule schedule,
                   MetricsSink metrics, TrainerSettings settings, LongSupplier nanoClock, GradientScaler scaler,
                   Collective collective) {
        int micro = model.tokensPerMicroBatch();
        if (settings.batchTokens() % micro != 0) {
            throw new IllegalArgumentException("batch of " + settings.batchTokens()
                    + " tokens is not a multiple of the micro-batch of " + micro + " tokens");
        }
        this.model = model;
        this.optimizer = optimizer;
        this.data = data;
        this.schedule = schedule;
        this.metrics = metrics;
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.scaler = Objects.requireNonNull(scaler, "scaler");
        this.microSteps = (int) (settings.batchTokens() / micro);
        this.inputs = new int[micro];
        this.targets = new int[micro];
        this.collective = Objects.requireNonNull(collective, "collective");
        if (optimizer.shard().sharded() && optimizer.shard().ranks() != collective.size()) {
            throw new IllegalArgumentException("the optimizer is sharded over " + optimizer.shard().ranks()
                    + " ranks but the run has " + collective.size());
        }
        this.allReduce = collective.size() > 1 ? new GradientAllReduce(collective) : null;
    }

    /** The loss scaler (disabled unless the run scales its loss); its state is part of a checkpoint. */
    public GradientScaler scaler() {
        return scaler;
    }

    /** Micro-batches per optimizer step of the settings' batch. */
    public int microSteps() {
        return microSteps;
    }

    /** Optimizer steps taken (or skipped) so far. */
    public long stepsDone() {
        return step;
    }

    /**
     * Continues a resumed run: the next {@link #step()} is optimizer step {@code stepsDone + 1} and reads the learning
     * rate at {@code stepsDone}. The model, optimizer and data source must already hold the checkpoint's state.
     */
    public void resumeAt(long stepsDone) {
        if (stepsDone < 0) {
            throw new IllegalArgumentException("steps done must be >= 0, found " + stepsDone);
        }
        this.step = stepsDone;
    }

    /**
     * One optimizer step with the schedule's learning rate and the settings' batch.
     *
     * @throws NonFiniteTrainingException on a non-finite loss or gradient, unless skipping is enabled
     */
    public StepMetrics step() {
        return step(schedule.lrAt(step), settings.batchTokens());
    }

    /**
     * One optimizer step of {@code batchTokens} tokens (a multiple of the micro-batch) at learning rate {@code lr}:
     * the caller owns the schedule (a training session applies it by tokens, with batch-size phases).
     *
     * @throws NonFiniteTrainingException on a non-finite loss or gradient, unless skipping is enabled
     * @throws IllegalArgumentException if the batch is not a whole number of micro-batches
     */
    public StepMetrics step(double lr, long batchTokens) {
        int b = model.tokensPerMicroBatch();
        if (batchTokens < b || batchTokens % b != 0) {
            throw new IllegalArgumentException("batch of " + batchTokens
                    + " tokens is not a whole number of micro-batches of " + b + " tokens");
        }
        long start = nanoClock.getAsLong();
        long current = step + 1;
        long microSteps = batchTokens / b;
        model.zeroGradients();
        double lossScale = scaler.scale();
        float weight = scaler.scaledWeight(1.0 / batchTokens);
        double lossSum = 0;
        int seq = model.sequenceLength();
        if (allReduce == null) {
            for (long i = 0; i < microSteps; i++) {
                data.next(inputs, targets, b / seq, seq);
                double loss = model.forward(inputs, targets, weight);
                if (!Double.isFinite(loss)) {
                    return nonFinite(current, start, lr, loss, batchTokens,
                            "loss is " + loss + " in micro-batch " + (i + 1), lossScale);
                }
                lossSum += loss;
                model.backward(weight);
            }
        } else {
            int ranks = collective.size();
            int rank = collective.rank();
            int count = Math.toIntExact(microSteps);
            double[] losses = allReduce.lossSlots(count);
            for (int i = 0; i < count; i++) {
                data.next(inputs, targets, b / seq, seq);
                if (i % ranks != rank) {
                    continue;
                }
                double loss = model.forward(inputs, targets, weight);
                losses[i] = loss;
                if (Double.isFinite(loss)) {
                    model.backward(weight);
                }
            }
            allReduce.sumLosses(count);
            for (int i = 0; i < count; i++) {
                if (!Double.isFinite(losses[i])) {
                    return nonFinite(current, start, lr, losses[i], batchTokens,
                            "loss is " + losses[i] + " in micro-batch " + (i + 1), lossScale);
                }
                lossSum += losses[i];
            }
            if (optimizer.shard().sharded()) {
                allReduce.reduceScatterGradient(model.gradients().flat(), optimizer.shard());
            } else {
                allReduce.sumGradient(model.gradients().flat());
            }
        }
        double loss = lossSum / microSteps;
        if (scaler.enabled()) {
            model.backend().reductions().scale(model.gradients().flat(), (int) model.gradients().flat().length(),
                    scaler.unscaleFactor());
        }
        double norm;
        try {
            norm = optimizer.step(model.parameters(), model.gradients(), lr);
        } catch (NonFiniteGradientException e) {
            if (scaler.enabled()) {
                // The scaler's business: back off and skip, as GradScaler does; the run goes on.
                scaler.update(false);
                model.zeroGradients();
                step = current;
                return report(current, start, loss, lr, Double.NaN, batchTokens, true, lossScale);
            }
            return nonFinite(current, start, lr, loss, batchTokens, "the first non-finite gradient is " + e.tensor(),
                    lossScale);
        }
        if (optimizer.shard().sharded()) {
            // Each rank updated its shard only: gather them so that every rank holds the whole model again.
            allReduce.allGatherParameters(model.parameters().flat(), optimizer.shard());
        }
        scaler.update(true);
        step = current;
        consecutiveSkips = 0;
        return report(current, start, loss, lr, norm, batchTokens, false, lossScale);
    }

    private StepMetrics nonFinite(long current, long start, double lr, double loss, long tokens, String what,
            double lossScale) {
        if (!settings.skipNonFinite()) {
            throw new NonFiniteTrainingException(current, what);
        }
        if (++consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
            throw new NonFiniteTrainingException(current, what + "; the last " + consecutiveSkips + " steps were all"
                    + " skipped (" + NonFiniteTrainingException.SKIP_NON_FINITE + " gives up after "
                    + MAX_CONSECUTIVE_SKIPS + " in a row): the model is broken, most likely by "
                    + NonFiniteTrainingException.TOO_HIGH_PEAK_LR + "; nothing after the last checkpoint was saved");
        }
        model.zeroGradients();
        step = current;
        return report(current, start, loss, lr, Double.NaN, tokens, true, lossScale);
    }

    private StepMetrics report(long current, long start, double loss, double lr, double norm, long tokens,
            boolean skipped, double lossScale) {
        double seconds = Math.max(1e-9, (nanoClock.getAsLong() - start) / 1e9);
        double tps = tokens / seconds;
        StepMetrics m = new StepMetrics(current, loss, lr, norm, tokens, seconds, tps, tps * settings.flopsPerToken(),
                skipped, lossScale);
        metrics.record(m);
        return m;
    }

    /** Runs {@code steps} optimizer steps. */
    public void run(long steps) {
        for (long i = 0; i < steps; i++) {
            step();
        }
    }
}
