package dev.wafer.suite;

import static dev.wafer.conformance.support.Fixture.widen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.tolerance.Tolerance;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.model.ModelPrecision;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.session.TrainableModel;
import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.suite.support.SuiteRuns;

/**
 * Fused attention ({@link Capability#FUSED_ATTENTION}, {@link Capability#FUSED_ATTENTION_FP32}) in a training run: a
 * bf16 or float32 model whose attention saves log-sum-exps trains as the same model with the attention that saves its
 * probabilities. Not bit for bit (the probabilities are recomputed, the backward's row terms come from the output),
 * so every loss is compared within {@link Tolerances#FUSED_ATTENTION_TRAINING} (float32:
 * {@link Tolerances#FUSED_ATTENTION_FP32_TRAINING}) and the first step's gradients within
 * {@link Tolerances#FUSED_ATTENTION_GRADIENTS} ({@link Tolerances#FUSED_ATTENTION_FP32_GRADIENTS}); a run that differs
 * by nothing is refused as a sign that the fused path did not run. Five optimizer steps of two accumulated micro-batches, with and
 * without recomputation, a sequence length that is not a multiple of the 64-row tiles.
 */
public interface FusedAttentionTrainingContract extends BackendContract {
    /** Seed of the tokens and the initialisation. */
    long FUSED_SEED = 20261206L;

    @ParameterizedTest(name = "{0}, recompute {1}")
    @CsvSource({"bf16, false", "bf16, true", "fp32, false", "fp32, true"})
    default void fusedAttentionTrainsAsTheAttentionThatSavesProbabilities(String format, boolean recompute) {
        ComputeBackend backend = backend();
        boolean fp32 = format.equals("fp32");
        Capability capability = fp32 ? Capability.FUSED_ATTENTION_FP32 : Capability.FUSED_ATTENTION;
        assumeTrue(backend.capabilities().contains(capability), backend.name() + " has no " + capability);
        ModelShape shape = ModelShape.withHeads(97, 80, 2, 2, 32, 128); // heads of 16
        ModelPrecision precision = fp32 ? ModelPrecision.FP32 : new ModelPrecision(OperandFormat.BF16, false);
        Tolerance losses = fp32 ? Tolerances.FUSED_ATTENTION_FP32_TRAINING : Tolerances.FUSED_ATTENTION_TRAINING;
        Tolerance gradients = fp32 ? Tolerances.FUSED_ATTENTION_FP32_GRADIENTS : Tolerances.FUSED_ATTENTION_GRADIENTS;
        int batch = 2;
        int seq = 70;
        try (TensorScope scope = backend.openScope()) {
            TrainableModel fused = SuiteRuns.spModel(backend, scope, shape, precision, batch, seq, recompute,
                    FUSED_SEED);
            TrainableModel saved = SuiteRuns.spModel(backend, scope, shape, precision.withUnfusedAttention(), batch,
                    seq, recompute, FUSED_SEED);
            assertTrue(fused.model().activationStorage().fusedAttention(), "the fused model saves log-sum-exps");
            assertEquals(false, saved.model().activationStorage().fusedAttention());
            org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> fused.model().setCastObserver(dev.wafer.domain.model.CastObserver.NONE),
                    "cast observation reads the probabilities, which the fused model does not keep");
            SplittableRandom random = new SplittableRandom(FUSED_SEED);
            double differs = 0;
            for (int step = 0; step < 5; step++) {
                fused.model().zeroGradients();
                saved.model().zeroGradients();
                for (int micro = 0; micro < 2; micro++) {
                    int[] tokens = random.ints(batch * seq, 0, shape.vocabSize()).toArray();
                    int[] targets = random.ints(batch * seq, 0, shape.vocabSize()).toArray();
                    String what = backend.name() + " step " + step + " micro-batch " + micro;
                    double a = saved.model().forward(tokens, targets);
                    double b = fused.model().forward(tokens, targets);
                    Check.close(what + ": loss", FUSED_SEED, losses, a, b);
                    differs = Math.max(differs, Math.abs(a - b));
                    saved.model().backward(0.5f / (batch * seq));
                    fused.model().backward(0.5f / (batch * seq));
                }
                if (step == 0) {
                    // Only while the parameters are the same: AdamW then moves each parameter by about the learning
                    // rate whatever the gradient's size, so tiny gradients of opposite signs part the two runs.
                    Check.close(backend.name() + " step 0: gradients", FUSED_SEED, gradients,
                            widen(saved.model().gradients().flat().toHost()),
                            fused.model().gradients().flat().toHost());
                }
                saved.optimizer().step(saved.model().parameters(), saved.model().gradients(), 1e-3);
                fused.optimizer().step(fused.model().parameters(), fused.model().gradients(), 1e-3);
            }
            assertTrue(differs > 0, "fused and unfused losses are identical: did the fused attention run?");
        }
    }

}
