package dev.wafer.domain.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.TrainingSchedule;

/**
 * Everything that defines a training run and does not change while it runs; saved in every checkpoint.
 *
 * @param shape            the model (its {@code seqLength} is the number of learned positions)
 * @param parameterisation SP or muP
 * @param seqLength        tokens per training sequence (at most the model's positions)
 * @param microBatch       sequences per forward/backward pass; every batch still to be trained is a multiple of it
 * @param schedule         learning rate over tokens and batch size (in sequences of {@code seqLength}) over tokens
 * @param adam             AdamW hyper-parameters
 * @param seed             seed of initialisation and data order: a session refuses a training source whose
 *                         {@link dev.wafer.ports.data.ResumableBatchSource#orderSeed} differs
 * @param data             what the run trains on
 * @param precision        numeric precision
 * @param skipNonFinite    skip a step whose loss or gradient is not finite instead of stopping
 * @param fp32AttentionGrads under bf16/fp16, keep the attention-softmax gradient and the QKV projection's backward
 *                         in float32 (the paper's fix for fp16 underflow); no effect in fp32
 * @param mup              the muP triple of a muP run, whose η_base is the schedule's peak (null given: the paper's
 *                         σ_base and m_emb with the schedule's peak); null for an SP run
 */
public record RunSpec(ModelShape shape, ParameterisationKind parameterisation, int seqLength, int microBatch,
        TrainingSchedule schedule, AdamWSettings adam, long seed, DataSpec data, Precision precision,
        boolean skipNonFinite, boolean fp32AttentionGrads, MupHyperparameters mup) {

    /** A run with the paper's σ_base and m_emb when it is muP. */
    public RunSpec(ModelShape shape, ParameterisationKind parameterisation, int seqLength, int microBatch,
            TrainingSchedule schedule, AdamWSettings adam, long seed, DataSpec data, Precision precision,
            boolean skipNonFinite, boolean fp32AttentionGrads) {
        this(shape, parameterisation, seqLength, microBatch, schedule, adam, seed, data, precision, skipNonFinite,
                fp32AttentionGrads, null);
    }

    /** A run without {@code fp32AttentionGrads}. */
    public RunSpec(ModelShape shape, ParameterisationKind parameterisation, int seqLength, int microBatch,
            TrainingSchedule schedule, AdamWSettings adam, long seed, DataSpec data, Precision precision,
            boolean skipNonFinite) {
        this(shape, parameterisation, seqLength, microBatch, schedule, adam, seed, data, precision, skipNonFinite,
                false);
    }

    /** Token counts are kept in doubles by the schedule: below 2^53 every count is an exact integer. */
    public static final double MAX_TOKENS = 0x1p53;

    /**
     * Checks that the values fit together: muP hyper-parameters only for a muP run, their η_base the schedule's
     * peak (the paper's triple at that peak when none is given), a sequence length within the model's positions
     * and the batch schedule's, and token counts that stay exact. Whether the batches are whole numbers of
     * micro-batches depends on where the run stands: {@link #requireWholeMicroBatchesFrom}, which {@link RunState}
     * applies.
     *
     * @throws IllegalArgumentException naming the value that does not fit the others
     */
    public RunSpec {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(parameterisation, "parameterisation");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(adam, "adam");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(precision, "precision");
        if (parameterisation == ParameterisationKind.SP && mup != null) {
            throw new IllegalArgumentException("an SP run has no muP hyper-parameters (" + mup + ")");
        }
        if (parameterisation == ParameterisationKind.MUP) {
            double peak = schedule.lrInTokens().peak();
            if (mup == null) {
                mup = MupHyperparameters.PAPER.withBaseLearningRate(peak);
            } else if (mup.baseLearningRate() != peak) {
                throw new IllegalArgumentException("muP base learning rate " + mup.baseLearningRate()
                        + " is not the schedule's peak " + peak);
            }
        }
        if (seqLength < 1 || seqLength > shape.seqLength()) {
            throw new IllegalArgumentException("sequence length must be in [1, " + shape.seqLength()
                    + "] (the model's positions), found " + seqLength);
        }
        if (schedule.batches().seqLength() != seqLength) {
            throw new IllegalArgumentException("the batch schedule counts sequences of "
                    + schedule.batches().seqLength() + " tokens but the run's sequences have " + seqLength);
        }
        if (microBatch < 1) {
            throw new IllegalArgumentException("micro-batch must be positive, found " + microBatch);
        }
        if (!(schedule.totalTokens() <= MAX_TOKENS)) {
            throw new IllegalArgumentException("a run of " + schedule.totalTokens() + " tokens is beyond the " + MAX_TOKENS
                    + " tokens whose counts stay exact");
        }
        if ((long) microBatch * seqLength > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a micro-batch of " + microBatch + " x " + seqLength
                    + " tokens is beyond what one pass can index");
        }
    }

    /**
     * Checks that every batch from global step {@code step} on is a whole number of micro-batches. Only the phases
     * still to be trained count: a resumed run may take a micro-batch that does not divide a finished phase's batch.
     *
     * @throws IllegalArgumentException naming the first batch that is not
     */
    public void requireWholeMicroBatchesFrom(long step) {
        for (BatchSizeSchedule.Phase phase : schedule.batches().phasesFromStep(step)) {
            if (phase.sequences() % microBatch != 0) {
                throw new IllegalArgumentException("a batch of " + phase.sequences()
                        + " sequences is not a whole number of micro-batches of " + microBatch);
            }
        }
    }

    /** Optimizer steps of the whole run. */
    public long totalSteps() {
        return schedule.totalSteps();
    }

    /** Tokens the whole run trains on: every step's batch, up to the last step. */
    public long totalTokens() {
        return (long) schedule.tokensBeforeStep(totalSteps());
    }

    /** Tokens per micro-batch. */
    public long microBatchTokens() {
        return (long) microBatch * seqLength;
    }

    /**
     * The same run with a new batch size from {@code tokensTrained} on (a resume with another batch): earlier phases
     * are kept, later ones are replaced, the learning rate stays a function of tokens, and the step counter continues.
     *
     * @throws IllegalArgumentException if a value does not fit the others
     */
    public RunSpec withBatchFrom(long tokensTrained, int sequences) {
        return withBatchFrom(tokensTrained, sequences, microBatch);
    }

    /**
     * {@link #withBatchFrom(long, int)} with another micro-batch, both changed at once (a resume on another machine
     * with another batch: the new micro-batch need only divide the batches, not the old micro-batch).
     *
     * @throws IllegalArgumentException if a value does not fit the others (whether the batches from here on are whole
     *                                  numbers of {@code newMicroBatch} is {@link #requireWholeMicroBatchesFrom})
     */
    public RunSpec withBatchFrom(long tokensTrained, int sequences, int newMicroBatch) {
        TrainingSchedule changed = new TrainingSchedule(schedule.lrInTokens(), batchesFrom(tokensTrained, sequences),
                schedule.totalTokens());
        return new RunSpec(shape, parameterisation, seqLength, newMicroBatch, changed, adam, seed, data, precision,
                skipNonFinite, fp32AttentionGrads, mup);
    }

    /** The batch schedule with {@code sequences} per step from {@code tokensTrained} on, earlier phases kept. */
    public BatchSizeSchedule batchesFrom(long tokensTrained, int sequences) {
        List<BatchSizeSchedule.Phase> phases = new ArrayList<>();
        for (BatchSizeSchedule.Phase p : schedule.batches().phases()) {
            if (p.startTokens() < tokensTrained) {
                phases.add(p);
            }
        }
        phases.add(new BatchSizeSchedule.Phase(tokensTrained, sequences));
        return BatchSizeSchedule.phased(seqLength, phases);
    }

    /** The same run reading its data from elsewhere (a dataset that was moved). */
    public RunSpec withData(DataSpec newData) {
        return new RunSpec(shape, parameterisation, seqLength, microBatch, schedule, adam, seed, newData, precision,
                skipNonFinite, fp32AttentionGrads, mup);
    }

    /** The same run with another micro-batch (a resume on another machine). */
    public RunSpec withMicroBatch(int newMicroBatch) {
        return new RunSpec(shape, parameterisation, seqLength, newMicroBatch, schedule, adam, seed, data, precision,
                skipNonFinite, fp32AttentionGrads, mup);
    }

    /** The parameterisation of this run's model: SP, or muP with this run's σ_base and m_emb. */
    public Parameterisation parameterisationRules() {
        return Parameterisations.of(parameterisation, shape, mup);
    }

    /** How the model's matrix products round their operands in this run. */
    public dev.wafer.domain.model.ModelPrecision modelPrecision() {
        return new dev.wafer.domain.model.ModelPrecision(precision.operands(),
                fp32AttentionGrads && precision != Precision.FP32);
    }
}
