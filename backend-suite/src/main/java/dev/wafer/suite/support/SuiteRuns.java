package dev.wafer.suite.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.domain.session.DataKind;
import dev.wafer.domain.session.DataSpec;
import dev.wafer.domain.session.ModelAssembly;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.domain.session.SessionListener;
import dev.wafer.domain.session.SessionOptions;
import dev.wafer.domain.session.StepReport;
import dev.wafer.domain.session.TrainingData;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.domain.session.TrainingSession;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.ResumableBatchSource;

/** The training runs of the suite, defined once so that every backend (and the reference) runs exactly the same. */
public final class SuiteRuns {
    /** The model of the 20-step run: vocabulary 211, 32 positions, 2 blocks of 4 heads, width 48, FFN 192. */
    public static final ModelShape TWENTY_STEP_SHAPE = ModelShape.withHeads(211, 32, 2, 4, 48, 192);
    /** Optimizer steps of the 20-step run. */
    public static final int TWENTY_STEPS = 20;
    /** Seed of the 20-step run's initialisation. */
    public static final long TWENTY_STEP_SEED = 7;
    /** Seed of the 20-step run's data. */
    public static final long TWENTY_STEP_DATA_SEED = 11;
    private static final int TWENTY_STEP_SEQ = 32;
    private static final int TWENTY_STEP_MICRO_BATCH = 2;
    private static final int TWENTY_STEP_BATCH = 4;
    private static final double TWENTY_STEP_LR = 3e-3;

    private SuiteRuns() {
    }

    /**
     * A run at a constant learning rate and batch size, on synthetic data, without weight-decay changes: Cerebras
     * AdamW settings (eps 1e-8) as the golden script uses them.
     *
     * @param shape      the model
     * @param kind       SP or muP
     * @param seqLength  tokens per sequence
     * @param microBatch sequences per micro-batch
     * @param batch      sequences per optimizer step (a multiple of {@code microBatch})
     * @param lr         the constant learning rate
     * @param steps      optimizer steps
     * @param seed       initialisation seed
     */
    public static RunSpec constantRate(ModelShape shape, ParameterisationKind kind, int seqLength, int microBatch,
            int batch, double lr, int steps, long seed) {
        double tokens = (double) steps * batch * seqLength;
        TrainingSchedule schedule = new TrainingSchedule(new WarmupDecaySchedule(lr, lr, 0, tokens, DecayType.LINEAR),
                BatchSizeSchedule.constant(batch, seqLength), tokens);
        return new RunSpec(shape, kind, seqLength, microBatch, schedule, AdamWSettings.cerebras(1e-8), seed,
                DataSpec.of(DataKind.SYNTHETIC), Precision.FP32, false);
    }

    /**
     * The 20-step run: batch 4 x 32 tokens as two micro-batches (so gradient accumulation is exercised), constant
     * lr 3e-3, learnable {@link PatternBatches} data, initialised from {@link #TWENTY_STEP_SEED}.
     */
    public static RunSpec twentySteps(ParameterisationKind kind) {
        return constantRate(TWENTY_STEP_SHAPE, kind, TWENTY_STEP_SEQ, TWENTY_STEP_MICRO_BATCH, TWENTY_STEP_BATCH,
                TWENTY_STEP_LR, TWENTY_STEPS, TWENTY_STEP_SEED);
    }

    /** The per-step losses of {@link #twentySteps} on {@code backend}, trained by a {@link TrainingSession}. */
    public static double[] twentyStepLosses(ComputeBackend backend, ParameterisationKind kind) {
        RunSpec spec = twentySteps(kind);
        return losses(backend, spec, new PatternBatches(TWENTY_STEP_SHAPE.vocabSize(), TWENTY_STEP_DATA_SEED));
    }

    /** Trains {@code spec} from its start on {@code train} and returns every step's loss. */
    public static double[] losses(ComputeBackend backend, RunSpec spec, ResumableBatchSource train) {
        List<StepReport> steps = new ArrayList<>();
        try (TensorScope scope = backend.openScope()) {
            TrainingSession.start(backend, scope, spec, data(train), noValidation(), collect(steps)).run();
        }
        return losses(steps);
    }

    /** Training data without a validation split. */
    public static TrainingData data(ResumableBatchSource train) {
        return new TrainingData(train, Optional.empty(), "backend suite data");
    }

    /** Session options that neither checkpoint nor validate. */
    public static SessionOptions noValidation() {
        return SessionOptions.defaults().validationBatches(0);
    }

    /** A listener appending every step report to {@code into}. */
    public static SessionListener collect(List<StepReport> into) {
        return into::add;
    }

    /** The losses of the reports, in order. */
    public static double[] losses(List<StepReport> steps) {
        return steps.stream().mapToDouble(s -> s.metrics().loss()).toArray();
    }

    /** The global gradient norms of the reports, in order. */
    public static double[] gradientNorms(List<StepReport> steps) {
        return steps.stream().mapToDouble(s -> s.metrics().gradNorm()).toArray();
    }

    /** {@code a} widened to double. */
    public static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /**
     * A trainable SP model of {@code shape} with the Cerebras AdamW settings, initialised from {@code seed}: the
     * model the suite's side-by-side comparisons (recomputation, activation storage, fused attention) train twice.
     */
    public static TrainableModel spModel(ComputeBackend backend, TensorScope scope, ModelShape shape,
            ModelPrecision precision, int batch, int seq, boolean recompute, long seed) {
        TrainableModel m = ModelAssembly.trainable(backend, scope, shape,
                Parameterisations.of(ParameterisationKind.SP, shape), batch, seq, AdamWSettings.cerebras(1e-8),
                precision, recompute);
        m.initialize(seed);
        return m;
    }
}
