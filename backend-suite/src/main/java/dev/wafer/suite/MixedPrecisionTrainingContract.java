package dev.wafer.suite;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.wafer.conformance.BackendContract;
import dev.wafer.conformance.support.Check;
import dev.wafer.conformance.tolerance.Tolerances;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.session.Precision;
import dev.wafer.domain.session.RunSpec;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.suite.support.PatternBatches;
import dev.wafer.suite.support.ReferenceLosses;
import dev.wafer.suite.support.SuiteRuns;

/**
 * The 20-step run trained with 16-bit operands (bf16; fp16 with its dynamic loss scale) on backends that have them:
 * its losses stay within the format's reach of the float32 reference run and fall, and they are not the backend's
 * own float32 losses (a precision setting that rounded nothing would pass the first check alone).
 */
public interface MixedPrecisionTrainingContract extends BackendContract {
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Precision.class, names = {"BF16", "FP16"})
    default void trainsWithSixteenBitOperandsCloseToTheFloat32Reference(Precision precision) {
        ComputeBackend backend = backend();
        assumeTrue(backend.capabilities().contains(precision.operands().capability()),
                backend.name() + " has no " + precision);
        ParameterisationKind kind = ParameterisationKind.SP;
        RunSpec fp32 = SuiteRuns.twentySteps(kind);
        RunSpec sixteen = new RunSpec(fp32.shape(), fp32.parameterisation(), fp32.seqLength(), fp32.microBatch(),
                fp32.schedule(), fp32.adam(), fp32.seed(), fp32.data(), precision, fp32.skipNonFinite(),
                fp32.fp32AttentionGrads(), fp32.mup());
        double[] actual = SuiteRuns.losses(backend, sixteen, data());
        double[] own = SuiteRuns.losses(backend, fp32, data());
        String what = precision + " per-step losses on " + backend.name() + " vs the float32 reference (data seed "
                + SuiteRuns.TWENTY_STEP_DATA_SEED + "; the seed below initialises)";
        Check.close(what, SuiteRuns.TWENTY_STEP_SEED, Tolerances.MODEL_TRAINING_16_BIT_VS_REFERENCE,
                ReferenceLosses.twentySteps(kind), actual);
        int last = SuiteRuns.TWENTY_STEPS - 1;
        assertTrue(actual[last] < actual[0] - ReferenceTrainingContract.MIN_LOSS_DROP,
                () -> precision + " on " + backend.name() + " did not train: " + actual[0] + " -> " + actual[last]);
        double largest = 0;
        for (int i = 0; i < actual.length; i++) {
            largest = Math.max(largest, Math.abs(actual[i] - own[i]));
        }
        double seen = largest;
        assertTrue(seen > 1e-6, () -> precision + " on " + backend.name() + " gives its float32 losses (largest"
                + " difference " + seen + "): the operands were not rounded");
    }

    private static PatternBatches data() {
        return new PatternBatches(SuiteRuns.TWENTY_STEP_SHAPE.vocabSize(), SuiteRuns.TWENTY_STEP_DATA_SEED);
    }
}
