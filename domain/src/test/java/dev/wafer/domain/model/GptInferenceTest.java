package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.eval.ContinuationScore;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.TensorScope;

/** The KV-cached decoder and the scorer agree with the full forward pass at every position. */
class GptInferenceTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(61, 12, 2, 2, 16, 64);
    private static final long SEED = 424242L;
    /** Cached and full passes reduce in different orders: float32 rounding, well below any model difference. */
    private static final double TOLERANCE = 2e-4;

    @ParameterizedTest
    @EnumSource(ParameterisationKind.class)
    void cachedLogitsMatchTheFullForwardAtEveryPosition(ParameterisationKind kind) {
        try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, SHAPE);
            int t = SHAPE.seqLength();
            GptModel model = new GptModel(backend, scope, SHAPE, p, 1, t);
            ParameterInitializer.initialize(model.parameters(), p, SEED);
            int[] tokens = new SplittableRandom(SEED).ints(t, 0, SHAPE.vocabSize()).toArray();
            float[] full = model.logits(tokens);
            GptInference inference = new GptInference(backend, scope, model.parameters(), p);
            int v = SHAPE.vocabSize();
            float scale = p.outputLogitMultiplier();
            // Prompt of 3 tokens, then one token at a time; and reset() starts over cleanly.
            for (int round = 0; round < 2; round++) {
                float[] logits = inference.reset(java.util.Arrays.copyOf(tokens, 3));
                for (int pos = 2; pos < t; pos++) {
                    if (pos > 2) {
                        logits = inference.next(tokens[pos]);
                    }
                    for (int i = 0; i < v; i++) {
                        double expected = (double) full[pos * v + i] * scale;
                        assertEquals(expected, logits[i], TOLERANCE * Math.max(1, Math.abs(expected)),
                                kind + " seed " + SEED + ": position " + pos + " logit " + i);
                    }
                }
                assertEquals(t, inference.position());
            }
            assertThrows(IllegalStateException.class, () -> inference.next(1));
        }
    }

    @ParameterizedTest
    @EnumSource(ParameterisationKind.class)
    void scorerSumsLogSoftmaxOfTheContinuation(ParameterisationKind kind) {
        try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, SHAPE);
            int t = SHAPE.seqLength();
            GptModel model = new GptModel(backend, scope, SHAPE, p, 1, t);
            ParameterInitializer.initialize(model.parameters(), p, SEED + 1);
            int[] tokens = new SplittableRandom(SEED + 1).ints(t + 1, 0, SHAPE.vocabSize()).toArray();
            int[] inputs = java.util.Arrays.copyOf(tokens, t);
            int[] targets = java.util.Arrays.copyOfRange(tokens, 1, t + 1);
            double meanLoss = model.forward(inputs, targets);
            GptScorer scorer = new GptScorer(model);
            // A full window: its summed nats are the forward's mean loss times T.
            assertEquals(meanLoss * t, scorer.sumNats(tokens), 1e-4 * t, kind + " seed " + SEED);
            // Context of 4 tokens, continuation of 3: the same as the window's nats at those positions.
            int[] ctx = java.util.Arrays.copyOf(tokens, 4);
            int[] cont = java.util.Arrays.copyOfRange(tokens, 4, 7);
            ContinuationScore s = scorer.score(ctx, cont);
            double prefix = scorer.sumNats(java.util.Arrays.copyOf(tokens, 4));
            assertEquals(-(scorer.sumNats(java.util.Arrays.copyOf(tokens, 7)) - prefix), s.logLikelihood(), 1e-5,
                    kind + " seed " + SEED);
            assertTrue(s.logLikelihood() < 0, kind + " seed " + SEED);
            // Left truncation: a context longer than the window still scores (the harness keeps the last T+1).
            int[] longCtx = new SplittableRandom(SEED + 2).ints(3 * t, 0, SHAPE.vocabSize()).toArray();
            assertTrue(Double.isFinite(scorer.score(longCtx, cont).logLikelihood()));
        }
    }
}
