package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.suite.support.SuiteRuns;

/**
 * Activation recomputation ({@code --recompute}) changes memory, not numbers: the backward runs each block's forward
 * again on the same inputs with the same kernels, so losses and every parameter gradient, accumulated over two
 * micro-batches, are bit for bit those of the run that kept its activations (kernels are deterministic run to run:
 * exact resume relies on it too). fp32 and, where the backend has them, 16-bit operands.
 */
public interface RecomputeContract extends BackendContract {
    /** Seed of the tokens and the initialisation. */
    long RECOMPUTE_SEED = 20261204L;

    /** Three blocks (so that a middle block is recomputed), two heads, micro-batches of 2 x 16. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = OperandFormat.class, names = {"FP32", "BF16"})
    default void recomputedGradientsAreBitForBitTheKeptOnes(OperandFormat operands) {
        ComputeBackend backend = backend();
        assumeTrue(operands.capability() == null || backend.capabilities().contains(operands.capability()),
                backend.name() + " has no " + operands);
        ModelShape shape = ModelShape.withHeads(97, 16, 3, 2, 32, 128);
        ModelPrecision precision = new ModelPrecision(operands, false);
        int batch = 2;
        int seq = 16;
        try (TensorScope scope = backend.openScope()) {
            GptModel kept = model(backend, scope, shape, precision, batch, seq, false);
            GptModel recomputed = model(backend, scope, shape, precision, batch, seq, true);
            SplittableRandom random = new SplittableRandom(RECOMPUTE_SEED);
            for (int micro = 0; micro < 2; micro++) {
                int[] tokens = random.ints(batch * seq, 0, shape.vocabSize()).toArray();
                int[] targets = random.ints(batch * seq, 0, shape.vocabSize()).toArray();
                String what = backend.name() + " " + operands + " micro-batch " + micro + " (seed " + RECOMPUTE_SEED
                        + ")";
                assertEquals(kept.forward(tokens, targets), recomputed.forward(tokens, targets), what + ": loss");
                kept.backward(0.5f / (batch * seq));
                recomputed.backward(0.5f / (batch * seq));
                assertArrayEquals(kept.gradients().flat().toHost(), recomputed.gradients().flat().toHost(),
                        what + ": gradients");
            }
        }
    }

    private static GptModel model(ComputeBackend backend, TensorScope scope, ModelShape shape,
            ModelPrecision precision, int batch, int seq, boolean recompute) {
        GptModel m = SuiteRuns.spModel(backend, scope, shape, precision, batch, seq, recompute, RECOMPUTE_SEED).model();
        m.zeroGradients();
        return m;
    }
}
