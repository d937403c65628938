package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.suite.support.SuiteRuns;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No kernel of a training step depends on the order its blocks and threads run in: the model suite's 20-step run
 * gives the same losses bit for bit with every launch run in ascending and in descending order. A GPU runs blocks in
 * any order, so a difference here is a race that could make GPU runs irreproducible (and exact resume impossible).
 */
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
}
