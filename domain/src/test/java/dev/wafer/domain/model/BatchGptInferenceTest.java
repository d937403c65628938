package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.generate.Generator;
import dev.wafer.domain.generate.GreedyBatchDecoder;
import dev.wafer.domain.generate.SamplingSettings;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.TensorScope;

/** Greedy decoding of many prompts in batches gives each prompt the tokens one-at-a-time decoding gives it. */
class BatchGptInferenceTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(61, 16, 2, 2, 16, 64);
    private static final long SEED = 9090L;

    @ParameterizedTest
    @EnumSource(ParameterisationKind.class)
    void batchedGreedyTokensEqualOneAtATime(ParameterisationKind kind) {
        try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, 1, SHAPE.seqLength());
            ParameterInitializer.initialize(model.parameters(), p, SEED);
            SplittableRandom random = new SplittableRandom(SEED);
            int prompts = 5;
            int prefix = 6;
            int newTokens = 8;
            int[][] prompt = new int[prompts][];
            for (int i = 0; i < prompts; i++) {
                prompt[i] = random.ints(prefix, 0, SHAPE.vocabSize()).toArray();
            }
            // Batches of 2 (the last one partial), caches just long enough for prefix + newTokens - 1 positions.
            BatchGptInference batched = new BatchGptInference(backend, scope, model.parameters(), p, 2,
                    prefix + newTokens - 1);
            int[][] got = GreedyBatchDecoder.decode(batched, prompt, newTokens);
            GptInference single = new GptInference(backend, scope, model.parameters(), p);
            Generator greedy = new Generator(new SamplingSettings(0, 0, 1, 1), newTokens, -1);
            for (int i = 0; i < prompts; i++) {
                int[] expected = greedy.generate(single, prompt[i], t -> { }).tokens();
                assertArrayEquals(expected, got[i], kind + " seed " + SEED + ": prompt " + i);
            }
            assertEquals(prefix + newTokens - 1, batched.position(), "the last token is never fed back");
            assertThrows(IllegalArgumentException.class,
                    () -> GreedyBatchDecoder.decode(batched, prompt, newTokens + 1), "one position too many");
            assertThrows(IllegalArgumentException.class, () -> batched.reset(new int[][] {{1, 2}, {3}}),
                    "prompts of a batch must have equal lengths");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> batched.reset(new int[][] {{1, 2}, {3, 61}}));
            assertEquals("token id 61 at position 1 of prompt 1 is outside the vocabulary [0, 61)", e.getMessage());
        }
    }

    /**
     * A prompt prefilled in passes of several positions (here 2 and then 1 of 5 tokens for 2 sequences: passes of
     * at most 5 rows; and all 5 at once) gives the logits of one position at a time (passes of 2 rows: 1 position),
     * before and after the next tokens, within the cached decoder's tolerance.
     */
    @ParameterizedTest
    @EnumSource(ParameterisationKind.class)
    void aPromptPrefilledInPassesGivesTheLogitsOfOnePositionAtATime(ParameterisationKind kind) {
        try (ReferenceBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, SHAPE);
            GptModel model = new GptModel(backend, scope, SHAPE, p, 1, SHAPE.seqLength());
            ParameterInitializer.initialize(model.parameters(), p, SEED);
            SplittableRandom random = new SplittableRandom(SEED + 1);
            int[][] prompt = {random.ints(5, 0, SHAPE.vocabSize()).toArray(),
                random.ints(5, 0, SHAPE.vocabSize()).toArray()};
            int[] next = {7, 11};
            BatchGptInference oneAtATime = new BatchGptInference(backend, scope, model.parameters(), p, 2, 8, 2);
            float[][] expected = {oneAtATime.reset(prompt).clone(), oneAtATime.next(next).clone()};
            for (int rows : new int[] {5, 512}) {
                BatchGptInference passes = new BatchGptInference(backend, scope, model.parameters(), p, 2, 8, rows);
                float[][] got = {passes.reset(prompt).clone(), passes.next(next).clone()};
                assertEquals(6, passes.position());
                for (int k = 0; k < 2; k++) {
                    for (int i = 0; i < expected[k].length; i++) {
                        assertTrue(Tolerances.CACHED_DECODING.accepts(expected[k][i], got[k][i]), kind + " seed "
                                + SEED + ", prefill rows " + rows + ", step " + k + ", logit " + i + ": "
                                + expected[k][i] + " vs " + got[k][i] + " (" + Tolerances.CACHED_DECODING.reason()
                                + ")");
                    }
                }
            }
        }
    }
}
