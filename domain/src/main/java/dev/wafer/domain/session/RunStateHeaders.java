package dev.wafer.domain.session;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.precision.LossScaleState;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.ModelHeader;
import dev.wafer.ports.checkpoint.TrainingHeader;

/**
 * Converts between the domain's {@link RunState} and the checkpoint port's typed header, so that the store knows
 * nothing of the domain and the domain validates everything it reads back.
 */
public final class RunStateHeaders {
    private RunStateHeaders() {
    }

    /** The header of a parameters-only checkpoint of {@code shape}. */
    public static ModelHeader model(ModelShape shape, ParameterisationKind kind, Optional<String> importedFrom) {
        return model(shape, kind, importedFrom, null);
    }

    /** The model header with a muP model's triple ({@code mup} null for SP). */
    public static ModelHeader model(ModelShape shape, ParameterisationKind kind, Optional<String> importedFrom,
            MupHyperparameters mup) {
        return new ModelHeader(shape.vocabSize(), shape.seqLength(), shape.nLayers(), shape.nHeads(), shape.dModel(),
                shape.dFfn(), kind.id(), importedFrom, Optional.ofNullable(mup).map(
                        h -> new ModelHeader.Mup(h.baseLearningRate(), h.initStd(), h.embeddingMultiplier())));
    }

    /**
     * The muP triple a checkpoint's model was trained with: null for SP; the paper's values for a muP checkpoint
     * written before the triple was recorded.
     *
     * @throws CheckpointException {@link Problem#MALFORMED_HEADER} for a recorded value that is not positive
     */
    public static MupHyperparameters mup(Path file, ModelHeader m) {
        if (kind(file, m) != ParameterisationKind.MUP) {
            return null;
        }
        try {
            return m.mup().map(h -> new MupHyperparameters(h.baseLr(), h.initStd(), h.embeddingMultiplier()))
                    .orElse(MupHyperparameters.PAPER);
        } catch (IllegalArgumentException e) {
            throw malformed(file, "model.mup: " + e.getMessage());
        }
    }

    /** The header of a training checkpoint. */
    public static CheckpointHeader of(RunState state) {
        RunSpec s = state.spec();
        TrainingSchedule sc = s.schedule();
        WarmupDecaySchedule lr = sc.lrInTokens();
        List<TrainingHeader.BatchPhase> phases = new ArrayList<>();
        for (BatchSizeSchedule.Phase p : sc.batches().phases()) {
            phases.add(new TrainingHeader.BatchPhase(p.startTokens(), p.sequences()));
        }
        AdamWSettings a = s.adam();
        RunPosition pos = state.position();
        TrainingHeader training = new TrainingHeader(
                new TrainingHeader.Schedule(lr.peak(), lr.end(), lr.warmup(), lr.decay(), lr.type().id(),
                        sc.totalTokens(), phases),
                s.seqLength(), s.microBatch(),
                new TrainingHeader.Optimizer(a.beta1(), a.beta2(), a.eps(), a.weightDecay(), a.maxGradNorm()),
                new TrainingHeader.Position(pos.step(), pos.tokens(), pos.adamSteps(), pos.dataPosition(),
                        pos.lossScale().scale(), pos.lossScale().growthTracker()),
                new TrainingHeader.Data(s.data().kind().id(), s.data().path(), s.data().fingerprint(),
                        s.data().tokenizer(), s.data().tokenizerSha256()), s.seed(),
                s.precision().id(), s.skipNonFinite(), s.fp32AttentionGrads());
        return new CheckpointHeader(model(s.shape(), s.parameterisation(), Optional.empty(), s.mup()),
                Optional.of(training));
    }

    /**
     * The model shape a checkpoint holds.
     *
     * @throws CheckpointException {@link Problem#MALFORMED_HEADER} naming what is invalid
     */
    public static ModelShape shape(Path file, ModelHeader m) {
        try {
            return ModelShape.withHeads(m.vocab(), m.positions(), m.layers(), m.heads(), m.dModel(), m.dFfn());
        } catch (IllegalArgumentException e) {
            throw malformed(file, "model: " + e.getMessage());
        }
    }

    /**
     * The parameterisation a checkpoint's model was trained with.
     *
     * @throws CheckpointException {@link Problem#MALFORMED_HEADER} for an unknown id
     */
    public static ParameterisationKind kind(Path file, ModelHeader m) {
        try {
            return ParameterisationKind.parse(m.parameterisation());
        } catch (IllegalArgumentException e) {
            throw malformed(file, "model.parameterisation: " + e.getMessage());
        }
    }

    /**
     * The run state a training checkpoint holds.
     *
     * @throws CheckpointException {@link Problem#MALFORMED_HEADER} when the checkpoint has no run state (an
     *                             imported model) or a value is invalid, naming it
     */
    public static RunState state(Path file, CheckpointHeader header) {
        TrainingHeader t = header.training().orElseThrow(() -> malformed(file,
                "holds a model without a training run (imported or exported); it can be evaluated, sampled or"
                        + " exported, not resumed"));
        ModelShape shape = shape(file, header.model());
        ParameterisationKind kind = kind(file, header.model());
        MupHyperparameters recorded = mup(file, header.model());
        try {
            TrainingHeader.Schedule s = t.schedule();
            WarmupDecaySchedule lr = new WarmupDecaySchedule(s.peakLr(), s.endLr(), s.warmupTokens(), s.decayTokens(),
                    DecayType.parse(s.decayType()));
            List<BatchSizeSchedule.Phase> phases = new ArrayList<>();
            for (TrainingHeader.BatchPhase p : s.batchPhases()) {
                phases.add(new BatchSizeSchedule.Phase(p.startTokens(), p.sequences()));
            }
            TrainingSchedule schedule = new TrainingSchedule(lr, BatchSizeSchedule.phased(t.seqLength(), phases),
                    s.totalTokens());
            TrainingHeader.Optimizer o = t.optimizer();
            RunSpec spec = new RunSpec(shape, kind, t.seqLength(), t.microBatch(), schedule,
                    new AdamWSettings(o.beta1(), o.beta2(), o.eps(), o.weightDecay(), o.maxGradNorm()), t.seed(),
                    new DataSpec(DataKind.parse(t.data().kind()), t.data().path(), t.data().fingerprint(),
                            t.data().tokenizer(), t.data().tokenizerSha256()),
                    Precision.parse(t.precision()),
                    t.skipNonFinite(), t.fp32AttentionGrads(),
                    // Without a recorded triple, η_base is the run's peak: 6e-3 unless it was trained with --lr.
                    header.model().mup().isPresent() || recorded == null ? recorded
                            : recorded.withBaseLearningRate(lr.peak()));
            TrainingHeader.Position p = t.position();
            LossScaleState scaler = new LossScaleState(p.lossScale(), p.scalerGrowthTracker());
            if (!spec.precision().scalesLoss() && !scaler.equals(LossScaleState.UNSCALED)) {
                throw new IllegalArgumentException("position: a " + spec.precision().id()
                        + " run has no loss scaler, yet the checkpoint holds loss scale " + p.lossScale());
            }
            RunPosition position = new RunPosition(p.step(), p.tokens(), p.adamSteps(), p.dataPosition(), scaler);
            long expected = (long) schedule.tokensBeforeStep(position.step());
            if (expected != position.tokens()) {
                throw new IllegalArgumentException("position: " + position.tokens() + " tokens trained, but "
                        + position.step() + " steps of the schedule are " + expected + " tokens");
            }
            // Every sequence trained was drawn, and a step cut short by a non-finite loss draws fewer: never more.
            long drawable = position.tokens() / spec.seqLength();
            if (position.dataPosition() > drawable) {
                throw new IllegalArgumentException("position.data_position: " + position.dataPosition()
                        + " sequences drawn, but " + position.tokens() + " tokens trained in sequences of "
                        + spec.seqLength() + " are at most " + drawable);
            }
            return new RunState(spec, position);
        } catch (IllegalArgumentException e) {
            throw malformed(file, "training: " + e.getMessage());
        }
    }

    private static CheckpointException malformed(Path file, String detail) {
        return new CheckpointException(Problem.MALFORMED_HEADER, file, detail);
    }
}
