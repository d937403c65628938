package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import org.junit.jupiter.api.Test;

/**
 * {@code forward(tokens, targets, lossWeight)}, which the trainer calls, computes the loss and the logits' gradient in
 * one cross-entropy call: the same loss and the same gradients, bit for bit, as {@code forward(tokens, targets)} then
 * {@code backward(lossWeight)} on a backend that composes the two calls (the port's default); and a backward with
 * another weight is refused rather than given the wrong gradient.
 */
class LossWeightUpFrontTest {
    private static final ModelShape SHAPE = ModelShape.withHeads(37, 8, 2, 2, 16, 64);
    private static final int BATCH = 3;

    @Test
    void theLossAndGradientsAreThoseOfTheTwoCalls() {
        float weight = 0.37f / (BATCH * SHAPE.seqLength());
        float[][] twoCalls = run(false, weight);
        float[][] upFront = run(true, weight);
        assertArrayEquals(twoCalls[0], upFront[0], "mean loss");
        assertArrayEquals(twoCalls[1], upFront[1], "every gradient");
        assertTrue(twoCalls[1][0] != 0 || twoCalls[1][1] != 0, "the gradients are not all zero");
    }

    @Test
    void aBackwardWithAnotherWeightIsRefused() {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            GptModel model = model(backend, scope);
            int[] tokens = tokens();
            model.forward(tokens, tokens, 0.5f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.backward(0.25f));
            assertTrue(e.getMessage().contains("0.25") && e.getMessage().contains("0.5"), e.getMessage());
            model.forward(tokens, tokens, 0.5f);
            model.backward(0.5f);
            assertThrows(IllegalStateException.class, () -> model.backward(0.5f), "one backward per forward");
            assertThrows(IllegalArgumentException.class, () -> model.forward(tokens, tokens, Float.NaN));
        }
    }

    private static float[][] run(boolean upFront, float weight) {
        try (ComputeBackend backend = new ReferenceBackend(); TensorScope scope = backend.openScope()) {
            GptModel model = model(backend, scope);
            int[] tokens = tokens();
            model.zeroGradients();
            double loss = upFront ? model.forward(tokens, tokens, weight) : model.forward(tokens, tokens);
            model.backward(weight);
            float[] grads = model.gradients().flat().toHost();
            assertEquals(model.gradients().flat().length(), grads.length);
            return new float[][] {{(float) loss}, grads};
        }
    }

    private static GptModel model(ComputeBackend backend, TensorScope scope) {
        Parameterisation p = Parameterisations.of(ParameterisationKind.SP, SHAPE);
        GptModel model = new GptModel(backend, scope, SHAPE, p, BATCH, SHAPE.seqLength());
        ParameterInitializer.initialize(model.parameters(), p, 3);
        return model;
    }

    private static int[] tokens() {
        int[] tokens = new int[BATCH * SHAPE.seqLength()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7 + 3) % SHAPE.vocabSize();
        }
        return tokens;
    }
}
