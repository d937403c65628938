package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.conformance.reference.ReferenceBackend;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.suite.support.ReferenceLosses;
import dev.wafer.suite.support.SuiteRuns;

/**
 * Twenty training steps ({@link SuiteRuns#twentySteps}: gradient accumulation over two micro-batches, constant
 * lr 3e-3, learnable data) whose losses must match the same run on the conformance {@link ReferenceBackend} step by
 * step, and fall.
 *
 * <p>The oracle is the reference backend, not the CPU adapter: the suite depends on no adapter, every backend
 * (the CPU one included) is held to the same double-arithmetic oracle, and two backends within
 * {@link Tolerances#MODEL_TRAINING_VS_REFERENCE} of it are within twice that of each other, which is the "OpenCL
 * trains like the CPU backend" check without either knowing the other.
 */
public interface ReferenceTrainingContract extends BackendContract {
    /** The loss must fall by at least this much over the 20 steps: the data is learnable, so it falls by far more. */
    double MIN_LOSS_DROP = 0.1;

    /** Per-step losses of the 20-step run match the reference backend's and fall. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(ParameterisationKind.class)
    default void trainsLikeTheReferenceBackendForTwentySteps(ParameterisationKind kind) {
        double[] expected = ReferenceLosses.twentySteps(kind);
        double[] actual = SuiteRuns.twentyStepLosses(backend(), kind);
        String what = kind + " per-step losses on " + backend().name() + " vs the reference backend (data seed "
                + SuiteRuns.TWENTY_STEP_DATA_SEED + "; the seed below initialises)";
        Check.close(what, SuiteRuns.TWENTY_STEP_SEED, Tolerances.MODEL_TRAINING_VS_REFERENCE, expected, actual);
        int last = SuiteRuns.TWENTY_STEPS - 1;
        assertTrue(actual.length == SuiteRuns.TWENTY_STEPS && actual[last] < actual[0] - MIN_LOSS_DROP,
                () -> kind + " on " + backend().name() + " did not train (seed " + SuiteRuns.TWENTY_STEP_SEED + "): "
                        + actual[0] + " -> " + actual[actual.length - 1]);
    }
}
