package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.model.BatchGptInference;
import dev.wafer.domain.model.GptInference;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.session.ModelAssembly;
import dev.wafer.ports.compute.TensorScope;

/**
 * Generation's KV-cached decoder ({@link GptInference}, the backend's cached attention) agrees with the full forward
 * pass at every position: a 3-token prompt, then one token at a time to the last position, twice (so that
 * {@link GptInference#reset} starts over cleanly), and no step past the last position.
 */
public interface CachedDecodingContract extends BackendContract {
    /** Vocabulary 97, 24 positions, 2 blocks of 4 heads, width 64, FFN 256. */
    ModelShape DECODING_SHAPE = ModelShape.withHeads(97, 24, 2, 4, 64, 256);
    /** Seed of the parameters and the tokens. */
    long DECODING_SEED = 424242L;
    /** Length of the prompt the decoder starts from. */
    int DECODING_PROMPT = 3;

    /** Cached logits equal the full forward's (scaled by the output multiplier) at every position. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ParameterisationKind.class)
    default void cachedLogitsMatchTheFullForwardAtEveryPosition(ParameterisationKind kind) {
        ModelShape shape = DECODING_SHAPE;
        int t = shape.seqLength();
        int v = shape.vocabSize();
        try (TensorScope scope = backend().openScope()) {
            GptModel model = ModelAssembly.forScoring(backend(), scope, shape, kind, 1, t);
            Parameterisation p = Parameterisations.of(kind, shape);
            ParameterInitializer.initialize(model.parameters(), p, DECODING_SEED);
            int[] tokens = new SplittableRandom(DECODING_SEED).ints(t, 0, v).toArray();
            float[] full = model.logits(tokens);
            GptInference inference = new GptInference(backend(), scope, model.parameters(), p);
            double scale = p.outputLogitMultiplier();
            for (int round = 0; round < 2; round++) {
                float[] logits = inference.reset(Arrays.copyOf(tokens, DECODING_PROMPT));
                for (int pos = DECODING_PROMPT - 1; pos < t; pos++) {
                    if (pos >= DECODING_PROMPT) {
                        logits = inference.next(tokens[pos]);
                    }
                    double[] expected = new double[v];
                    for (int i = 0; i < v; i++) {
                        expected[i] = (double) full[pos * v + i] * scale;
                    }
                    Check.close(kind + " on " + backend().name() + ", round " + round + ": cached logits at position "
                            + pos, DECODING_SEED, Tolerances.CACHED_DECODING, expected, logits);
                }
                assertEquals(t, inference.position(), kind + ": decoder position after the last token");
            }
            assertThrows(IllegalStateException.class, () -> inference.next(1),
                    kind + ": a step past the model's last position must be refused");
        }
    }
    /**
     * Batched decoding ({@link BatchGptInference}, the backend's batched cached attention) gives every sequence the
     * logits single-sequence decoding gives it: three prompts of 4 tokens, then three steps, against one
     * {@link GptInference} per sequence; and a second, smaller batch after {@code reset} starts over cleanly.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ParameterisationKind.class)
    default void batchedLogitsMatchSingleSequenceDecoding(ParameterisationKind kind) {
        ModelShape shape = DECODING_SHAPE;
        int v = shape.vocabSize();
        int prompt = 4;
        int steps = 3;
        try (TensorScope scope = backend().openScope()) {
            GptModel model = ModelAssembly.forScoring(backend(), scope, shape, kind, 1, shape.seqLength());
            Parameterisation p = Parameterisations.of(kind, shape);
            ParameterInitializer.initialize(model.parameters(), p, DECODING_SEED);
            SplittableRandom random = new SplittableRandom(DECODING_SEED + 1);
            BatchGptInference batch = new BatchGptInference(backend(), scope, model.parameters(), p, 3, prompt + steps);
            GptInference single = new GptInference(backend(), scope, model.parameters(), p);
            for (int rows : new int[] {3, 2}) {
                int[][] tokens = new int[rows][];
                for (int r = 0; r < rows; r++) {
                    tokens[r] = random.ints(prompt + steps, 0, v).toArray();
                }
                float[][] expected = new float[rows * (steps + 1)][];
                for (int r = 0; r < rows; r++) {
                    expected[r * (steps + 1)] = single.reset(Arrays.copyOf(tokens[r], prompt));
                    for (int s = 1; s <= steps; s++) {
                        expected[r * (steps + 1) + s] = single.next(tokens[r][prompt + s - 1]);
                    }
                }
                int[][] prompts = new int[rows][];
                for (int r = 0; r < rows; r++) {
                    prompts[r] = Arrays.copyOf(tokens[r], prompt);
                }
                for (int s = 0; s <= steps; s++) {
                    float[] logits;
                    if (s == 0) {
                        logits = batch.reset(prompts);
                    } else {
                        int[] next = new int[rows];
                        for (int r = 0; r < rows; r++) {
                            next[r] = tokens[r][prompt + s - 1];
                        }
                        logits = batch.next(next);
                    }
                    for (int r = 0; r < rows; r++) {
                        Check.close(kind + " on " + backend().name() + ", batch of " + rows + ": sequence " + r
                                        + " after step " + s, DECODING_SEED, Tolerances.CACHED_DECODING,
                                widen(expected[r * (steps + 1) + s]), Arrays.copyOfRange(logits, r * v, (r + 1) * v));
                    }
                }
            }
            assertThrows(IllegalStateException.class, () -> batch.next(new int[] {1, 1}),
                    kind + ": a step past the batch's last position must be refused");
        }
    }

    private static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
