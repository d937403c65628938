package dev.wafer.domain.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterRole;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.schedule.BatchSizeSchedule;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.TrainingSchedule;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.ResumableBatchSource;

/**
 * A muP run's triple reaches the model: the initial weights have σ_base's spread per the formulas, the embeddings
 * are multiplied by m_emb, and the first AdamW step moves hidden weights by η_base/m_width and embeddings by
 * η_base (Adam's first step has |update| = lr wherever the gradient is non-zero).
 */
class MupTripleTest {
    private static final long SEED = 5;
    private static final int SEQ = 8;
    /** d_model 512: m_width 2. */
    private static final ModelShape SHAPE = ModelShape.withHeads(31, SEQ, 2, 4, 512, 2048);
    private static final MupHyperparameters TRIPLE = new MupHyperparameters(2e-3, 0.05, 4.0);

    private static RunSpec spec(MupHyperparameters mup) {
        // No warm-up: the first step runs at the peak, η_base.
        WarmupDecaySchedule lr = WarmupDecaySchedule.paper(mup.baseLearningRate(), 0, 64, DecayType.LINEAR);
        return new RunSpec(SHAPE, ParameterisationKind.MUP, SEQ, 2,
                new TrainingSchedule(lr, BatchSizeSchedule.constant(2, SEQ), 64), AdamWSettings.cerebras(1e-12),
                SEED, DataSpec.of(DataKind.SYNTHETIC), Precision.FP32, false, false, mup);
    }

    /** Seeded random tokens, seekable. */
    private static final class Tokens implements ResumableBatchSource {
        private long position;

        @Override
        public long position() {
            return position;
        }

        @Override
        public void seek(long p) {
            position = p;
        }

        @Override
        public void next(int[] inputs, int[] targets, int batch, int seq) {
            for (int b = 0; b < batch; b++) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(SEED * 1000 + position++);
                for (int i = 0; i < seq; i++) {
                    inputs[b * seq + i] = r.nextInt(SHAPE.vocabSize());
                    targets[b * seq + i] = r.nextInt(SHAPE.vocabSize());
                }
            }
        }
    }

    private static ParameterSpec first(TrainableModel m, ParameterRole role) {
        return m.model().parameters().layout().specs().stream().filter(s -> s.role() == role).findFirst()
                .orElseThrow();
    }

    private static double std(float[] x) {
        double sq = 0;
        for (float v : x) {
            sq += (double) v * v;
        }
        return Math.sqrt(sq / x.length);
    }

    private static double medianAbsDelta(float[] before, float[] after) {
        double[] d = new double[before.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Math.abs((double) after[i] - before[i]);
        }
        Arrays.sort(d);
        return d[d.length / 2];
    }

    @Test
    void theTripleSetsInitStdEmbeddingMultiplierAndLearningRates() {
        double m = SHAPE.dModel() / 256.0;
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            TrainingSession s = TrainingSession.start(backend, scope, spec(TRIPLE),
                    new TrainingData(new Tokens(), Optional.empty(), "tokens"), SessionOptions.defaults().stopAt(1),
                    report -> { });
            TrainableModel model = s.model();
            assertEquals(4f, model.parameterisation().embeddingMultiplier(), "m_emb");
            ParameterSpec pos = first(model, ParameterRole.POSITION_EMBEDDING);
            ParameterSpec hidden = first(model, ParameterRole.HIDDEN_WEIGHT);
            ParameterSpec out = first(model, ParameterRole.OUTPUT_WEIGHT);
            float[] pos0 = model.model().parameters().get(pos.name()).toHost();
            float[] hidden0 = model.model().parameters().get(hidden.name()).toHost();
            float[] out0 = model.model().parameters().get(out.name()).toHost();
            // A normal truncated at ±2σ has std 0.8796σ.
            assertEquals(0.8796 * 0.05, std(pos0), 0.05 * 0.8796 * 0.05, "σ_base on the embeddings");
            assertEquals(0.8796 * 0.05 / Math.sqrt(m), std(hidden0), 0.02 * 0.05, "σ_base/√m_width");
            assertEquals(0.8796 * 0.05 / Math.sqrt(2 * 2 * m), std(out0), 0.02 * 0.05 / 2, "σ_base/√(2Lm)");
            s.run();
            float[] pos1 = model.model().parameters().get(pos.name()).toHost();
            float[] hidden1 = model.model().parameters().get(hidden.name()).toHost();
            assertEquals(2e-3, medianAbsDelta(pos0, pos1), 2e-3 * 0.02, "embeddings train at η_base");
            assertEquals(2e-3 / m, medianAbsDelta(hidden0, hidden1), 2e-3 / m * 0.02, "hidden at η_base/m_width");
        }
    }

    @Test
    void aMupRunsBaseLearningRateIsItsPeakAndAnSpRunHasNoTriple() {
        RunSpec paper = new RunSpec(SHAPE, ParameterisationKind.MUP, SEQ, 2, spec(TRIPLE).schedule(),
                AdamWSettings.cerebras(1e-8), SEED, DataSpec.of(DataKind.SYNTHETIC), Precision.FP32, false);
        assertEquals(new MupHyperparameters(2e-3, 0.08, 10), paper.mup(), "default: paper σ, m_emb at the peak");
        assertThrows(IllegalArgumentException.class, () -> new RunSpec(SHAPE, ParameterisationKind.MUP, SEQ, 2,
                spec(TRIPLE).schedule(), AdamWSettings.cerebras(1e-8), SEED, DataSpec.of(DataKind.SYNTHETIC),
                Precision.FP32, false, false, TRIPLE.withBaseLearningRate(1e-3)));
        assertThrows(IllegalArgumentException.class, () -> new RunSpec(SHAPE, ParameterisationKind.SP, SEQ, 2,
                spec(TRIPLE).schedule(), AdamWSettings.cerebras(1e-8), SEED, DataSpec.of(DataKind.SYNTHETIC),
                Precision.FP32, false, false, TRIPLE));
        assertThrows(IllegalArgumentException.class, () -> new MupHyperparameters(1e-3, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> new MupHyperparameters(1e-3, 0.1, Double.NaN));
    }
}
