package dev.wafer.domain.study;

import dev.wafer.domain.session.TrainableModel;
import dev.wafer.domain.session.ModelAssembly;
import java.util.Arrays;

import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.domain.train.NonFiniteTrainingException;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.eval.HeldOutLoss;

/** One study training run: fresh model, AdamW, warm-up + linear decay, then a held-out loss. */
final class TrainingRun {
    /** How many of the last training steps the fallback loss averages. */
    static final int LAST_STEPS = 10;

    /**
     * @param trainLoss mean training loss of the last {@value #LAST_STEPS} steps (NaN if diverged)
     * @param heldOutLoss held-out loss, or NaN when there is no held-out split or the run diverged
     * @param diverged  whether a loss or gradient went non-finite
     */
    record Outcome(double trainLoss, double heldOutLoss, boolean diverged) {
        /** The held-out loss when there is one, else the last steps' training loss. */
        double finalLoss() {
            return Double.isNaN(heldOutLoss) ? trainLoss : heldOutLoss;
        }
    }

    private TrainingRun() {
    }

    static Outcome train(ComputeBackend backend, ModelShape shape, ParameterisationKind kind, double peakLr,
                         long steps, StudyTraining training, StudyData data, StudyListener listener) {
        return train(backend, shape, Parameterisations.of(kind, shape), peakLr, steps, training, data, listener);
    }

    /** A muP run with the {@code triple}'s σ_base and m_emb, peaking at its η_base. */
    static Outcome train(ComputeBackend backend, ModelShape shape, MupHyperparameters triple, long steps,
                         StudyTraining training, StudyData data, StudyListener listener) {
        return train(backend, shape, Parameterisations.of(ParameterisationKind.MUP, shape, triple),
                triple.baseLearningRate(), steps, training, data, listener);
    }

    private static Outcome train(ComputeBackend backend, ModelShape shape, Parameterisation p, double peakLr,
                         long steps, StudyTraining training, StudyData data, StudyListener listener) {
        long warmup = training.warmupSteps(steps);
        WarmupDecaySchedule schedule = WarmupDecaySchedule.paper(peakLr, warmup, steps - warmup, DecayType.LINEAR);
        double[] last = new double[(int) Math.min(LAST_STEPS, steps)];
        Arrays.fill(last, Double.NaN);
        try (TensorScope scope = backend.openScope()) {
            TrainableModel trainable = ModelAssembly.trainable(backend, scope, shape, p,
                    training.batchSequences(), training.seqLength(), training.adam(), ModelPrecision.FP32);
            trainable.initialize(training.seed());
            GptModel model = trainable.model();
            Trainer trainer = new Trainer(model, trainable.optimizer(), data.training(training.seed()), schedule::lrAt, m -> {
                last[(int) ((m.step() - 1) % last.length)] = m.loss();
                listener.stepDone(m);
            }, new TrainerSettings(training.batchTokens(), FlopCount.trainingPerToken(shape, training.seqLength()), false),
                    System::nanoTime);
            try {
                trainer.run(steps);
            } catch (NonFiniteTrainingException e) {
                return new Outcome(Double.NaN, Double.NaN, true);
            }
            double trainLoss = Arrays.stream(last).average().orElse(Double.NaN);
            if (!Double.isFinite(trainLoss)) {
                return new Outcome(Double.NaN, Double.NaN, true);
            }
            return new Outcome(trainLoss, heldOut(model, data.validation(), training), false);
        }
    }

    /**
     * Mean loss over the first {@code evalSequences} held-out sequences, NaN if none: each sequence at most once (a
     * split with fewer sequences is scored whole, not wrapped), the last micro-batch scored in part when the count
     * is not a multiple of the batch (until 2026-12-07 the count was rounded down to whole micro-batches, and a count
     * under one batch scored nothing).
     */
    static double heldOut(GptModel model, TokenBatchSource validation, StudyTraining training) {
        long sequences = training.evalSequences();
        if (validation instanceof SequenceBatchSource split) {
            sequences = Math.min(sequences, split.sequencesPerEpoch());
        }
        if (validation == null || sequences < 1) {
            return Double.NaN;
        }
        boolean[] overflowed = {false};
        double mean = HeldOutLoss.scoreSequences(validation, (in, targets, rows) -> {
            model.forward(in, targets);
            double loss = model.meanLossOfRows(rows);
            // Totals must be finite: an overflowing forward pass makes the held-out loss NaN, as it did before.
            overflowed[0] |= !Double.isFinite(loss);
            return Double.isFinite(loss) ? loss : 0;
        }, sequences, training.batchSequences(), training.seqLength()).natsPerToken();
        return overflowed[0] ? Double.NaN : mean;
    }
}
