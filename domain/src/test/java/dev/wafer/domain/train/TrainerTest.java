package dev.wafer.domain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterName;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.MissingCapabilityException;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.metrics.StepMetrics;

class TrainerTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(23, 8, 2, 2, 8, 32);
    private static final double BASE_LR = 2e-2;

    /** A repeating pattern the model can learn: token i is followed by (i * 3 + 1) mod V. */
    private static TokenBatchSource patternSource(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        return (in, tg, b, t) -> {
            for (int r = 0; r < b; r++) {
                int tok = rnd.nextInt(SHAPE.vocabSize());
                for (int i = 0; i < t; i++) {
                    in[r * t + i] = tok;
                    tok = (tok * 3 + 1) % SHAPE.vocabSize();
                    tg[r * t + i] = tok;
                }
            }
        };
    }

    private record Run(List<StepMetrics> metrics, float[] params) {
    }

    private static Run train(ParameterisationKind kind, int batch, int seq, long batchTokens, int steps,
                             TokenBatchSource data) {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, batch, seq);
            ParameterInitializer.initialize(model.parameters(), p, 7);
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(1e-8), p);
            List<StepMetrics> out = new ArrayList<>();
            long[] clock = {0};
            Trainer trainer = new Trainer(model, adamW, data, step -> BASE_LR * (1 + step) / (1 + step + 1), out::add,
                    new TrainerSettings(batchTokens, 1000.0, false), () -> clock[0] += 1_000_000);
            trainer.run(steps);
            return new Run(out, model.parameters().flat().toHost());
        }
    }

    @Test
    void lossFallsAndMetricsAreReported() {
        for (ParameterisationKind kind : ParameterisationKind.values()) {
            Run run = train(kind, 2, 8, 16, 30, patternSource(1));
            List<StepMetrics> m = run.metrics();
            assertEquals(30, m.size());
            assertTrue(m.get(29).loss() < 0.7 * m.get(0).loss(), kind + " loss " + m.get(0).loss() + " -> "
                    + m.get(29).loss());
            assertEquals(1, m.get(0).step());
            assertEquals(BASE_LR * 1 / 2, m.get(0).learningRate(), 1e-12, "schedule is read at 0-based step");
            assertEquals(16, m.get(0).tokens());
            assertEquals(16 / 1e-3, m.get(0).tokensPerSecond(), 1e-6);
            assertEquals(16 / 1e-3 * 1000.0, m.get(0).modelFlopsPerSecond(), 1e-3);
            assertTrue(m.get(0).gradNorm() > 0);
        }
    }

    @Test
    void runsAreDeterministic() {
        Run a = train(ParameterisationKind.MUP, 2, 8, 16, 3, patternSource(5));
        Run b = train(ParameterisationKind.MUP, 2, 8, 16, 3, patternSource(5));
        assertArrayEquals(a.params(), b.params());
    }

    @Test
    void accumulatingTwoHalfBatchesEqualsOneFullBatch() {
        // The same 4 sequences as one micro-batch of 4, or as two accumulated micro-batches of 2.
        Run whole = train(ParameterisationKind.SP, 4, 8, 32, 2, patternSource(9));
        Run accumulated = train(ParameterisationKind.SP, 2, 8, 32, 2, patternSource(9));
        assertEquals(whole.metrics().get(0).loss(), accumulated.metrics().get(0).loss(), 1e-6);
        assertEquals(whole.metrics().get(0).gradNorm(), accumulated.metrics().get(0).gradNorm(), 1e-5);
        float[] x = whole.params();
        float[] y = accumulated.params();
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], y[i], 1e-6, "parameter " + i);
        }
    }

    @Test
    void badInputFailsWithClearMessages() {
        TokenBatchSource outOfVocab = (in, tg, b, t) -> {
            java.util.Arrays.fill(in, SHAPE.vocabSize());
            java.util.Arrays.fill(tg, 0);
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(ParameterisationKind.SP, 1, 4, 4, 1, outOfVocab));
        assertTrue(e.getMessage().contains("token id 23 at position 0 is outside the vocabulary [0, 23)"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> train(ParameterisationKind.SP, 2, 8, 24, 1,
                patternSource(1)), "24 tokens is not a multiple of 16");
        try (ComputeBackend partial = new ReferenceBackend(EnumSet.complementOf(EnumSet.of(Capability.ATTENTION)));
             TensorScope scope = partial.openScope()) {
            MissingCapabilityException m = assertThrows(MissingCapabilityException.class, () -> new GptModel(partial,
                    scope, SHAPE, Parameterisations.of(ParameterisationKind.SP, SHAPE), 1, 4));
            assertEquals(EnumSet.of(Capability.ATTENTION), m.missing());
        }
    }

    @Test
    void nonFiniteLossStopsOrIsSkipped() {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(ParameterisationKind.SP, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, 1, 4);
            ParameterInitializer.initialize(model.parameters(), p, 1);
            float[] wte = model.parameters().get(ParameterName.WTE).toHost();
            wte[3] = Float.NaN;
            model.parameters().get(ParameterName.WTE).copyFromHost(wte);
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(1e-8), p);
            Trainer stop = new Trainer(model, adamW, patternSource(2), LearningRateSchedule.constant(1e-3),
                    m -> { }, new TrainerSettings(4, 0, false), System::nanoTime);
            NonFiniteTrainingException e = assertThrows(NonFiniteTrainingException.class, stop::step);
            assertEquals(1, e.step());
            assertTrue(e.getMessage().startsWith("step 1: loss is NaN"), e.getMessage());
            float[] before = model.parameters().flat().toHost();
            Trainer skip = new Trainer(model, adamW, patternSource(2), LearningRateSchedule.constant(1e-3),
                    m -> { }, new TrainerSettings(4, 0, true), System::nanoTime);
            StepMetrics m = skip.step();
            assertTrue(m.skipped());
            assertArrayEquals(before, model.parameters().flat().toHost(), "a skipped step changes nothing");
        }
    }
}
