package dev.wafer.domain.session;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.eval.CrossEntropyTotals;
import dev.wafer.domain.eval.HeldOutLoss;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.precision.GradientScaler;
import dev.wafer.domain.precision.UnderflowMonitor;
import dev.wafer.domain.precision.UnderflowStat;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.NonFiniteTrainingException;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.ResumableBatchSource;
import dev.wafer.ports.metrics.StepMetrics;

/**
 * The training use case: one run, from a fresh start or a checkpoint, to its end or an early stop.
 *
 * <p>It assembles model, parameterisation and AdamW once ({@link ModelAssembly}), initialises them from the seed or
 * restores them (with the optimizer's step count and the data position), then steps: each optimizer step takes the
 * batch size and learning rate the schedule gives for the tokens trained so far, accumulating gradients over
 * micro-batches. It checkpoints on its cadence and when it stops, scores the validation split after a complete run,
 * and reports each step to a {@link SessionListener}.
 *
 * <p>Resuming is exact: a run stopped at any step and resumed produces the same losses, bit for bit, as one that
 * never stopped, because the checkpoint holds everything the next step reads.
 *
 * <p>{@link #run} positions the training source where the session starts (0, or the checkpoint's data position), so
 * sessions built on one {@link TrainingData} may be built in any order and run one after another; two sessions must
 * not run at the same time on one {@code TrainingData}, as they would draw from the same source.
 */
public final class TrainingSession {
    private final RunSpec spec;
    private final TrainableModel trainable;
    private final TrainingData data;
    private final SessionOptions options;
    private final SessionListener listener;
    private final Trainer trainer;
    private final UnderflowMonitor underflow;
    private RunPosition position;
    private final boolean resumed;
    private final double[] stopVote = new double[1];

    private TrainingSession(ComputeBackend backend, TensorScope scope, RunSpec spec, TrainingData data,
            SessionOptions options, SessionListener listener, RunPosition position, boolean resumed) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(listener, "listener");
        spec.requireWholeMicroBatchesFrom(position.step()); // each step's batch is split into whole micro-batches
        requireRunSeed(spec, data);
        requireDataTheModelCanRead(spec, data, options);
        this.spec = spec;
        this.data = data;
        this.options = options;
        this.listener = listener;
        this.position = position;
        this.resumed = resumed;
        this.trainable = ModelAssembly.trainable(backend, scope, spec.shape(), spec.parameterisationRules(),
                spec.microBatch(), spec.seqLength(), spec.adam(), modelPrecision(spec, options), options.collective(),
                options.shardOptimizer(), options.recompute());
        this.underflow = options.underflowEvery() > 0 ? new UnderflowMonitor(spec.precision().operands()) : null;
        if (underflow != null) {
            trainable.model().setCastObserver(underflow);
        }
        // The session passes each step's rate and batch to the trainer; these settings only feed the FLOP/s metric.
        this.trainer = new Trainer(trainable.model(), trainable.optimizer(), data.train(),
                LearningRateSchedule.constant(spec.schedule().lrInTokens().peak()), m -> { },
                new TrainerSettings(spec.microBatchTokens(), FlopCount.trainingPerToken(spec.shape(), spec.seqLength()),
                        spec.skipNonFinite()), options.nanoClock(),
                spec.precision().scalesLoss() ? GradientScaler.dynamic() : GradientScaler.disabled(),
                options.collective());
    }

    /**
     * Refuses training data drawn in another order than the spec's seed gives: the checkpoint records only the spec's
     * seed, so a resume would read other batches than the run it continues (a source without a seed is not checked).
     */
    private static void requireRunSeed(RunSpec spec, TrainingData data) {
        data.train().orderSeed().ifPresent(seed -> {
            if (seed != spec.seed()) {
                throw new IllegalArgumentException("the training data's order seed " + seed + " differs from the"
                        + " run's seed " + spec.seed() + " (RunSpec.seed, the seed of initialisation and data order,"
                        + " which a checkpoint records); build the training source with the run's seed");
            }
        });
    }

    /**
     * Refuses a {@link SequenceBatchSource} packed into sequences shorter than the run's, or holding a larger
     * vocabulary than the model's, before anything is trained: the training source would fail at the first step (or
     * the first to draw an id the model lacks), and a validation split only after the last, losing the run's outcome (a validation split that will not be scored is not checked; other sources cannot be).
     */
    private static void requireDataTheModelCanRead(RunSpec spec, TrainingData data, SessionOptions options) {
        if (data.train() instanceof SequenceBatchSource train && train.sequenceLength() < spec.seqLength()) {
            throw shorterSequences("training source", train.sequenceLength(), spec.seqLength());
        }
        boolean scored = options.validationBatches() > 0 && options.validationSequences() > 0;
        if (scored && data.validation().orElse(null) instanceof SequenceBatchSource validation
                && validation.sequenceLength() < spec.seqLength()) {
            throw shorterSequences("validation split", validation.sequenceLength(), spec.seqLength());
        }
        // A larger vocabulary than the model's: the first batch drawing an id past the model's fails, hours in, and
        // again at the same step on every resume (until 2026-12-08 nothing checked it before training).
        int vocab = spec.shape().vocabSize();
        if (data.train() instanceof SequenceBatchSource train && train.vocabSize() > vocab) {
            throw largerVocabulary("training source", train.vocabSize(), vocab);
        }
        if (scored && data.validation().orElse(null) instanceof SequenceBatchSource validation
                && validation.vocabSize() > vocab) {
            throw largerVocabulary("validation split", validation.vocabSize(), vocab);
        }
    }

    private static IllegalArgumentException largerVocabulary(String which, int found, int model) {
        return new IllegalArgumentException("the " + which + " has a vocabulary of " + found + " ids but the model's"
                + " is " + model + " (ModelShape.vocabSize); build the model with a vocabulary of " + found
                + " or more, as the data's tokenizer needs");
    }

    private static IllegalArgumentException shorterSequences(String which, int found, int needed) {
        return new IllegalArgumentException("the " + which + "'s sequences are " + found + " tokens, shorter than"
                + " the run's sequence length " + needed + " (RunSpec.seqLength); pack the " + which
                + " into sequences of " + needed + " tokens or more (TokenSequences.sequenceLength)");
    }

    /**
     * The spec's precision; with the underflow report its activations stay float32, because the report counts what
     * rounding to 16 bits flushes and must see the values before they are rounded (same losses either way), and its
     * attention saves the probabilities, which the report reads (a float32 run's fused attention keeps none).
     */
    static dev.wafer.domain.model.ModelPrecision modelPrecision(RunSpec spec, SessionOptions options) {
        return options.underflowEvery() > 0 ? spec.modelPrecision().withFloat32Activations().withUnfusedAttention()
                : spec.modelPrecision();
    }

    /**
     * A new run: parameters initialised from the spec's seed, data from its start. {@link #run} rewinds the training
     * source to position 0 ({@link ResumableBatchSource#seek}, as a resumed run seeks it) when it begins, so a
     * {@link TrainingData} that another run read from, before or after this session was built, trains on the same
     * batches again.
     *
     * @throws dev.wafer.ports.compute.MissingCapabilityException if the backend lacks a kernel the model needs
     * @throws IllegalArgumentException if the training source's {@link ResumableBatchSource#orderSeed} is not the
     *                                  spec's seed, or a {@link SequenceBatchSource} training source or scored
     *                                  validation split holds sequences shorter than the spec's
     * @throws NullPointerException     naming a null argument
     */
    public static TrainingSession start(ComputeBackend backend, TensorScope scope, RunSpec spec, TrainingData data,
            SessionOptions options, SessionListener listener) {
        TrainingSession s = new TrainingSession(backend, scope, spec, data, options, listener, RunPosition.START,
                false);
        s.trainable.initialize(spec.seed());
        return s;
    }

    /**
     * Continues the run a checkpoint holds. {@code state} is the checkpoint's state, possibly with another batch
     * size from its position on ({@link RunSpec#withBatchFrom}) or another data path. {@link #run} seeks the
     * training source to the checkpoint's data position when it begins.
     *
     * @throws dev.wafer.ports.checkpoint.CheckpointException naming a missing or misshapen tensor
     * @throws IllegalArgumentException if the training source's {@link ResumableBatchSource#orderSeed} is not the
     *                                  checkpoint's seed ({@code state.spec().seed()}), or a
     *                                  {@link SequenceBatchSource} training source or scored validation split
     *                                  holds sequences shorter than the run's
     * @throws NullPointerException     naming a null argument
     */
    public static TrainingSession resume(ComputeBackend backend, TensorScope scope, RunState state,
            CheckpointReader checkpoint, TrainingData data, SessionOptions options, SessionListener listener) {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(checkpoint, "checkpoint");
        // Shapes first: a header edited to a huge vocabulary or context would otherwise allocate (or fail to) first.
        CheckpointTensors.requireTrainingShapes(checkpoint,
                new dev.wafer.domain.model.ParameterLayout(state.spec().shape()));
        TrainingSession s = new TrainingSession(backend, scope, state.spec(), data, options, listener,
                state.position(), true);
        CheckpointTensors.restoreTraining(checkpoint, s.trainable, state.position().adamSteps());
        s.trainer.resumeAt(state.position().step());
        s.trainer.scaler().restore(state.position().lossScale());
        return s;
    }

    /**
     * Trains until the schedule ends or an early stop of the options, checkpointing as configured. The training
     * source is first sought to this session's data position (0 for a new run, the checkpoint's for a resumed one),
     * whatever another session on the same {@link TrainingData} read of it since this one was built.
     *
     * @throws NonFiniteTrainingException on a non-finite loss or gradient, unless the spec
     *                                                           skips such steps; the last checkpoint is untouched
     * @throws dev.wafer.ports.checkpoint.CheckpointException if a checkpoint cannot be written
     */
    public RunOutcome run() {
        // Here, not when the session is built: a session built earlier on the same data may have run since.
        data.train().seek(position.dataPosition());
        listener.started(state(), resumed);
        long total = spec.totalSteps();
        long end = Math.min(total, options.stopAtStep());
        long saved = -1;
        boolean interrupted = false;
        while (position.step() < end && position.tokens() < options.maxTokens()) {
            long step = position.step();
            long batchTokens = spec.schedule().batches().tokensPerStepAt(step);
            double lr = spec.schedule().lrAtStep(step);
            if (underflow != null) {
                underflow.arm((step + 1) % options.underflowEvery() == 0);
            }
            StepMetrics m = trainer.step(lr, batchTokens);
            if (m.skipped()) {
                // A skipped step (--skip-nonfinite, or the loss scaler backing off) is where a model whose
                // parameters overflowed shows; no later step can repair it, so the run stops here, unsaved.
                requireFiniteParameters(step + 1);
            }
            position = new RunPosition(step + 1, position.tokens() + batchTokens,
                    trainable.optimizer().stepsTaken(), data.train().position(), trainer.scaler().state());
            List<UnderflowStat> casts = List.of();
            if (underflow != null) {
                underflow.arm(false);
                casts = underflow.drain(options.collective()); // every rank's micro-batches
            }
            listener.stepped(new StepReport(m, position.tokens(), batchTokens,
                    (int) (batchTokens / spec.microBatchTokens()), total, casts));
            if (options.checkpointing().isPresent() && options.checkpointing().get().everySteps() > 0
                    && position.step() % options.checkpointing().get().everySteps() == 0) {
                save();
                saved = position.step();
            }
            if (stopAgreed(options.stopRequested().getAsBoolean())) {
                // A stop asked for during the last step of the run (or of --stop-at, --max-tokens) ends nothing
                // early: the run ended as it would have, and is not reported as interrupted.
                interrupted = position.step() < end && position.tokens() < options.maxTokens();
                break;
            }
        }
        if (options.checkpointing().isPresent() && saved != position.step()) {
            save();
        }
        if (options.checkpointing().isEmpty()) {
            requireFiniteParameters(position.step());
        }
        boolean complete = position.step() >= total;
        Optional<CrossEntropyTotals> validation = Optional.empty();
        boolean validationStopped = false;
        if (complete && data.validation().isPresent() && options.validationBatches() > 0
                && options.validationSequences() > 0) {
            GptModel model = trainable.model();
            long step = position.step();
            // Batches of a fixed 8 sequences, not of the micro-batch (which the memory chooses): the same run reports
            // the same validation loss on any machine; they go through the model a micro-batch at a time.
            long sequences = Math.min((long) options.validationBatches() * SessionOptions.VALIDATION_BATCH_SEQUENCES,
                    options.validationSequences());
            // Scored from the split's start, whatever an earlier run on the same data read of it.
            if (data.validation().get() instanceof ResumableBatchSource v) {
                v.seek(0);
            }
            if (data.validation().get() instanceof SequenceBatchSource split) {
                // Each sequence at most once: a split smaller than the batches would wrap and count tokens twice.
                sequences = Math.min(sequences, split.sequencesPerEpoch());
            }
            try {
                validation = Optional.of(validate(model, step, sequences));
            } catch (ValidationStopped e) {
                // Training is done and saved; the user (or the scheduler) asked to stop, and scoring is no reason to
                // keep a machine: the validation is left unscored, and the outcome says so.
                validationStopped = true;
            }
            validation.ifPresent(listener::validated);
        }
        return new RunOutcome(state(), complete, validation, interrupted, validationStopped);
    }

    /** Scores {@code sequences} validation sequences, polling the stop request before each micro-batch. */
    private CrossEntropyTotals validate(GptModel model, long step, long sequences) {
        return HeldOutLoss.scoreSequences(data.validation().get(), (in, targets, rows) -> {
            if (options.stopRequested().getAsBoolean()) {
                throw new ValidationStopped();
            }
            double loss = model.forward(in, targets);
            if (!Double.isFinite(loss)) {
                // Finite parameters (checked above) so large that the forward pass overflows: the run
                // diverged, and a NaN total is no validation loss to report.
                throw new NonFiniteTrainingException(step, "the validation loss is "
                        + loss + ": the parameters are finite but so large that the forward pass overflows (the"
                        + " run diverged); " + NonFiniteTrainingException.SMALLER_PEAK_LR);
            }
            return model.meanLossOfRows(rows);
        }, sequences, spec.microBatch(), spec.seqLength());
    }

    /** Unwinds the validation when a stop is requested; never leaves {@link #run()}. */
    private static final class ValidationStopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ValidationStopped() {
            super("validation stopped", null, false, false);
        }
    }

    /** The run's current state. */
    public RunState state() {
        return new RunState(spec, position);
    }

    /** The model and optimizer being trained (for a library user who wants to sample or score afterwards). */
    public TrainableModel model() {
        return trainable;
    }

    /** Whether any rank was asked to stop (all ranks then stop after the same step); a single process's own answer. */
    private boolean stopAgreed(boolean requested) {
        if (options.collective().size() == 1) {
            return requested;
        }
        stopVote[0] = requested ? 1 : 0;
        options.collective().allReduceSum(stopVote, 0, 1);
        return stopVote[0] > 0;
    }

    /**
     * Stops the run when a parameter is not finite: such a model cannot be evaluated, sampled or trained on, and
     * saving it would replace the last good checkpoint.
     *
     * @throws NonFiniteTrainingException naming the tensor
     */
    private void requireFiniteParameters(long step) {
        NonFiniteParameters.describe(trainable.model().parameters()).ifPresent(what -> {
            throw new NonFiniteTrainingException(step, "the model's " + what + "; it was not"
                    + " saved (an earlier checkpoint is kept); " + NonFiniteTrainingException.SMALLER_PEAK_LR);
        });
    }

    private void save() {
        requireFiniteParameters(position.step());
        Checkpointing c = options.checkpointing().orElseThrow();
        CheckpointTensors.ShardedSave tensors = CheckpointTensors.trainingAcross(trainable, options.collective());
        c.store().save(c.file(), RunStateHeaders.of(state()), tensors.tensors());
        tensors.finish().run();
        listener.checkpointed(position, c.file());
    }
}
