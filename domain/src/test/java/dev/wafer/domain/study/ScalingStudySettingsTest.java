package dev.wafer.domain.study;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.param.ParameterisationKind;

/** A scaling study refuses, before it trains anything, settings that some run of it could not train with. */
class ScalingStudySettingsTest {
    private static final StudyTraining TRAINING = StudyTraining.of(16, 4, 0, 1);
    private static final ModelShape S16 = StudyModels.shape(16, 1, 8, 257, 16);
    private static final ModelShape S24 = StudyModels.shape(24, 1, 8, 257, 16);
    private static final ModelShape S32 = StudyModels.shape(32, 1, 8, 257, 16);

    private static String refused(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    private static ScalingStudy.Settings settings(List<ModelShape> sizes, double tokensPerParameter,
            StudyTraining training) {
        return new ScalingStudy.Settings(ParameterisationKind.SP, sizes, tokensPerParameter, null, List.of(), 1e-3,
                training);
    }

    @Test
    void aSizeWithFewerPositionsThanTheSequenceLengthIsRefusedByName() {
        String m = refused(() -> settings(List.of(S16, S24, StudyModels.shape(32, 1, 8, 257, 8)), 0.01, TRAINING));
        assertTrue(m.contains("d_model 32 x 1 layers") && m.contains("8 positions") && m.contains("16"), m);
    }

    /** The warm-up leaves a step to decay over, as train's does: a one-step run with 60% warm-up has none. */
    @Test
    void aWarmupNeverTakesTheWholeRun() {
        StudyTraining longWarmup = new StudyTraining(16, 4, TRAINING.adam(), 0.6, 0, 1);
        settings(List.of(S16, S24, S32), 0.0001, longWarmup);
        org.junit.jupiter.api.Assertions.assertEquals(0, longWarmup.warmupSteps(1));
        org.junit.jupiter.api.Assertions.assertEquals(2, longWarmup.warmupSteps(3));
        org.junit.jupiter.api.Assertions.assertEquals(1, TRAINING.warmupSteps(4), "10% rounded, at least one step");
    }

    @Test
    void assembleRefusesArraysOfAnotherLengthThanThePlans() {
        ScalingStudy.Settings ok = settings(List.of(S16, S24, S32), 0.01, TRAINING);
        String m = refused(() -> ScalingStudy.assemble(ok, "x", false, ScalingStudy.plans(ok), new double[] {3, 2.9},
                new double[3], new double[3]));
        assertTrue(m.contains("3 plans") && m.contains("length 2, 3 and 3"), m);
    }

    @Test
    void tokensPerParameterThatIsNotFiniteOrOverflowsTheTokenCountIsRefusedByName() {
        assertTrue(refused(() -> ScalingStudy.plan(S16, 1e30, TRAINING)).contains("tokensPerParameter 1.0E30"));
        assertTrue(refused(() -> ScalingStudy.plan(S16, Double.POSITIVE_INFINITY, TRAINING))
                .contains("tokensPerParameter"));
        assertTrue(refused(() -> settings(List.of(S16, S24, S32), Double.NaN, TRAINING))
                .contains("tokensPerParameter"));
        assertTrue(refused(() -> settings(List.of(S16, S24, S32), 1e30, TRAINING)).contains("tokensPerParameter"));
    }

    @Test
    void negativeEvalSequencesAreRefusedByName() {
        String m = refused(() -> new StudyTraining(16, 4, TRAINING.adam(), 0.1, -1, 1));
        assertTrue(m.contains("evalSequences") && m.contains("-1"), m);
    }
}
