package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.suite.support.SuiteRuns;

/**
 * Storing the linear layers' inputs, the attention's input {@code qkv} and its probabilities {@code att} in bf16
 * ({@link Capability#BF16_STORAGE}) changes memory, not numbers: a bf16 run's matmul rounded those inputs to bf16 at
 * every use anyway, the bf16 attention rounded Q, K, V on entry and its probabilities when it saved them, and now the
 * kernel that writes them rounds the same float32 values with the same rounding, once. So losses, every gradient and the parameters after AdamW are bit for
 * bit those of the same run with float32 activations: bit for bit, not within summation order, because the products
 * run on the same bf16 operand values with the same kernels and shapes (only where the operands live differs).
 * Three optimizer steps of two accumulated micro-batches; with and without recomputation, and under
 * {@code --fp32-attention-grads} (then ln1 stays float32; qkv and att do not), with recomputation too; a sequence
 * length that is not a multiple of the attention's tiles.
 */
public interface ActivationStorageContract extends BackendContract {
    /** Seed of the tokens and the initialisation. */
    long STORAGE_SEED = 20261205L;

    @ParameterizedTest(name = "recompute {0}, fp32 attention grads {1}")
    @CsvSource({"false,false", "true,false", "false,true", "true,true"})
    default void bf16ActivationStorageGivesBitForBitTheFloat32StorageRun(boolean recompute, boolean fp32Grads) {
        ComputeBackend backend = backend();
        assumeTrue(backend.capabilities().contains(Capability.BF16)
                && backend.capabilities().contains(Capability.BF16_STORAGE), backend.name() + " stores no bf16");
        ModelShape shape = ModelShape.withHeads(97, 32, 3, 2, 32, 128);
        // The attention that saves its probabilities: fused attention computes them differently (FusedAttentionRun).
        ModelPrecision precision = new ModelPrecision(OperandFormat.BF16, fp32Grads).withUnfusedAttention();
        int batch = 2;
        int seq = 19;
        try (TensorScope scope = backend.openScope()) {
            TrainableModel sixteen = SuiteRuns.spModel(backend, scope, shape, precision, batch, seq, recompute,
                    STORAGE_SEED);
            TrainableModel wide = SuiteRuns.spModel(backend, scope, shape, precision.withFloat32Activations(), batch,
                    seq, recompute, STORAGE_SEED);
            assertEquals(OperandFormat.BF16, sixteen.model().activationStorage().format());
            assertEquals(false, sixteen.model().activationStorage().fusedAttention());
            assertEquals(fp32Grads ? OperandFormat.FP32 : OperandFormat.BF16,
                    sixteen.model().activationStorage().ln1());
            assertEquals(OperandFormat.FP32, wide.model().activationStorage().format());
            SplittableRandom random = new SplittableRandom(STORAGE_SEED);
            for (int step = 0; step < 3; step++) {
                sixteen.model().zeroGradients();
                wide.model().zeroGradients();
                for (int micro = 0; micro < 2; micro++) {
                    int[] tokens = random.ints(batch * seq, 0, shape.vocabSize()).toArray();
                    int[] targets = random.ints(batch * seq, 0, shape.vocabSize()).toArray();
                    String what = backend.name() + " step " + step + " micro-batch " + micro + " (seed "
                            + STORAGE_SEED + ")";
                    assertEquals(wide.model().forward(tokens, targets), sixteen.model().forward(tokens, targets),
                            what + ": loss");
                    wide.model().backward(0.5f / (batch * seq));
                    sixteen.model().backward(0.5f / (batch * seq));
                    assertArrayEquals(wide.model().gradients().flat().toHost(),
                            sixteen.model().gradients().flat().toHost(), what + ": gradients");
                }
                wide.optimizer().step(wide.model().parameters(), wide.model().gradients(), 1e-3);
                sixteen.optimizer().step(sixteen.model().parameters(), sixteen.model().gradients(), 1e-3);
                assertArrayEquals(wide.model().parameters().flat().toHost(),
                        sixteen.model().parameters().flat().toHost(), "parameters after step " + step);
            }
        }
    }
}
