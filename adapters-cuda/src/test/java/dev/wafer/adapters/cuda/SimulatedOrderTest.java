package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.suite.support.PatternBatches;
import dev.wafer.suite.support.SuiteRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No kernel of a training step depends on the order its blocks and threads run in: the model suite's 20-step run
 * gives the same losses bit for bit with every launch run in ascending and in descending order. A GPU runs blocks in
 * any order, so a difference here is a race that could make GPU runs irreproducible (and exact resume impossible).
 */
@HostOnly
class SimulatedOrderTest {
    @ParameterizedTest(name = "baseline {0}")
    @ValueSource(booleans = {false, true})
    void trainingLossesDoNotDependOnTheOrderOfBlocksAndThreads(boolean baseline) {
        double[] ascending;
        try (CudaBackend backend = SimulatedDevice.open(baseline, false)) {
            ascending = SuiteRuns.twentyStepLosses(backend, ParameterisationKind.SP);
        }
        double[] descending;
        try (CudaBackend backend = SimulatedDevice.open(baseline, true)) {
            descending = SuiteRuns.twentyStepLosses(backend, ParameterisationKind.SP);
        }
        assertArrayEquals(ascending, descending, "the 20-step losses (seed " + SuiteRuns.TWENTY_STEP_SEED + ")");
    }

    /**
     * The same for a bf16 run on the fast kernels, which stores its activations as bf16 tensors: the tensor-core
     * products, the bf16 probabilities and the 16-bit score gradients written by the row kernels.
     */
    @Test
    void bf16TrainingWithBf16ActivationsDoesNotDependOnTheOrder() {
        RunSpec fp32 = SuiteRuns.twentySteps(ParameterisationKind.SP);
        RunSpec bf16 = new RunSpec(fp32.shape(), fp32.parameterisation(), fp32.seqLength(), fp32.microBatch(),
                fp32.schedule(), fp32.adam(), fp32.seed(), fp32.data(), Precision.BF16, fp32.skipNonFinite(),
                fp32.fp32AttentionGrads(), fp32.mup());
        double[][] losses = new double[2][];
        for (int order = 0; order < 2; order++) {
            try (CudaBackend backend = SimulatedDevice.open(false, order == 1)) {
                losses[order] = SuiteRuns.losses(backend, bf16, new PatternBatches(
                        SuiteRuns.TWENTY_STEP_SHAPE.vocabSize(), SuiteRuns.TWENTY_STEP_DATA_SEED));
            }
        }
        assertArrayEquals(losses[0], losses[1], "the bf16 20-step losses (seed " + SuiteRuns.TWENTY_STEP_SEED + ")");
    }
}
