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
}
