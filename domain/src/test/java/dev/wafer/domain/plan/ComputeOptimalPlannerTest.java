package dev.wafer.domain.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.domain.PaperTolerances;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.scaling.ParameterCount;
import dev.wafer.domain.scaling.PowerLaw;
import dev.wafer.domain.scaling.ShapeFamily;
import dev.wafer.domain.scaling.TokensPerParameterPenalty;
import org.junit.jupiter.api.Test;

class ComputeOptimalPlannerTest {
    private final ComputeOptimalPlanner planner = ComputeOptimalPlanner.paper();

    @Test
    void roundTripsTheOnePointThreeBillionModel() {
        CerebrasGptPreset p = CerebrasGptFamily.require("1.3B");
        TrainingPlan plan = planner.plan(p.trainingFlops(), ParameterisationKind.SP);
        assertEquals(1, (double) plan.params() / p.params(), PaperTolerances.PLANNER_PARAMS_RELATIVE, plan.toString());
        assertEquals(20.0, plan.tokensPerParameter(), 1e-12);
        assertEquals(1, plan.trainingFlops() / p.trainingFlops(), 0.05);
        assertEquals(PowerLaw.CEREBRAS_GPT_PILE.lossAt(plan.trainingFlops()), plan.predictedLoss(), 1e-12);
        assertEquals("1.3B", plan.hyperparametersFrom());
        assertEquals(2e-4, plan.peakLearningRate());
        assertEquals(375e6, plan.warmupTokens());
    }

    /** The paper's smallest model keeps its 375M-token warm-up (16.9% of its run; a cap at a sixth clipped it). */
    @Test
    void theOneHundredElevenMillionModelWarmsUpOverThePapersTokens() {
        TrainingPlan plan = planner.plan(CerebrasGptFamily.require("111M").trainingFlops(), ParameterisationKind.SP);
        assertEquals(ParameterCount.total(CerebrasGptFamily.require("111M").shape()), plan.params());
        assertEquals(375e6, plan.warmupTokens());
        TrainingPlan small = planner.plan(1e17, ParameterisationKind.SP);
        assertEquals(small.tokens() / 5, small.warmupTokens(), 1e-6 * small.tokens());
    }

    @Test
    void everyPresetRoundTripsWithinTheShapeGrid() {
        for (CerebrasGptPreset p : CerebrasGptFamily.all()) {
            if (p.name().contains("proxy")) {
                continue; // the proxy's aspect ratio (256/24) lies far outside the family's
            }
            TrainingPlan plan = planner.plan(p.trainingFlops(), p.parameterisation());
            assertEquals(1, (double) plan.params() / p.params(), PaperTolerances.PLANNER_PARAMS_RELATIVE,
                    p.name() + " -> " + plan.params());
        }
    }

    @Test
    void planIsTheFamilyMemberClosestToTheBudget() {
        double budget = 3e19;
        TrainingPlan plan = planner.plan(budget, ParameterisationKind.SP);
        double chosen = Math.abs(Math.log(plan.trainingFlops() / budget));
        for (var shape : ShapeFamily.members()) {
            double f = FlopCount.trainingRun(shape, 20.0 * ParameterCount.total(shape));
            assertTrue(Math.abs(Math.log(f / budget)) >= chosen - 1e-12, shape.toString());
        }
    }

    @Test
    void muPPlansUseTheTransferredLearningRate() {
        TrainingPlan plan = planner.plan(1e19, ParameterisationKind.MUP);
        assertEquals(6e-3, plan.peakLearningRate());
    }

    @Test
    void inferenceShiftsTheChoiceToASmallerModelOnMoreTokens() {
        double budget = CerebrasGptFamily.require("1.3B").trainingFlops();
        TrainingPlan none = planner.planWithInference(budget, 0, ParameterisationKind.SP);
        assertEquals(20.0, none.tokensPerParameter(), 0.5, "without inference the optimum is ~20 tokens/param");
        TrainingPlan heavy = planner.planWithInference(budget, 2e12, ParameterisationKind.SP);
        assertTrue(heavy.params() < none.params(), heavy + " vs " + none);
        assertTrue(heavy.tokensPerParameter() > 20.0);
        assertEquals(budget, heavy.totalFlops(), budget * 1e-9);
        // The chosen model is at least as good as every other candidate for the same total budget.
        for (var shape : ShapeFamily.members()) {
            double train = budget - 2e12 * FlopCount.inferencePerToken(shape);
            if (train <= 0) {
                continue;
            }
            double tau = train / FlopCount.trainingPerToken(shape) / ParameterCount.total(shape);
            double loss = TokensPerParameterPenalty.predictedLoss(PowerLaw.CEREBRAS_GPT_PILE, train, tau);
            assertTrue(heavy.predictedLoss() <= loss + 1e-12, shape.toString());
        }
    }

    @Test
    void rejectsImpossibleBudgets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> planner.plan(-1, ParameterisationKind.SP));
        assertTrue(e.getMessage().startsWith("FLOP budget must be positive"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> planner.planWithInference(1e10, 1e12, ParameterisationKind.SP));
    }

    /**
     * A budget outside the family's range is refused, naming the range, rather than answered with the nearest edge
     * member (which trained with 2.4e15 FLOPs for a budget of 1e5, and with 3.4e29 for 1e40); just inside the edges,
     * within the allowed factor, the edge members are planned.
     */
    @Test
    void refusesBudgetsOutsideTheFamily() {
        double low = ShapeFamily.members().stream().mapToDouble(s -> FlopCount.trainingRun(s,
                20.0 * ParameterCount.total(s))).min().orElseThrow();
        double high = ShapeFamily.members().stream().mapToDouble(s -> FlopCount.trainingRun(s,
                20.0 * ParameterCount.total(s))).max().orElseThrow();
        for (double budget : new double[] {1e5, low / 2.1, high * 2.1, 1e40}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> planner.plan(budget, ParameterisationKind.SP), "budget " + budget);
            assertTrue(e.getMessage().contains("outside the planned family") && e.getMessage().contains("d_model 64"),
                    e.getMessage());
        }
        assertEquals(low, planner.plan(low / 1.9, ParameterisationKind.SP).trainingFlops(), low * 0.05);
        assertEquals(high, planner.plan(high * 1.9, ParameterisationKind.SP).trainingFlops(), high * 0.05);
    }

    @Test
    void aNullKindIsRefusedByName() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> planner.plan(1e20, null));
        assertEquals("kind", e.getMessage());
        e = assertThrows(NullPointerException.class, () -> planner.planWithInference(1e20, 0, null));
        assertEquals("kind", e.getMessage());
    }

    /** With or without inference, a budget outside the family is refused alike (it planned 281 training tokens). */
    @Test
    void planWithInferenceRefusesABudgetOutsideTheFamilyAsPlanDoes() {
        for (double budget : new double[] {1e10, 1e40}) {
            String plain = assertThrows(IllegalArgumentException.class,
                    () -> planner.plan(budget, ParameterisationKind.SP)).getMessage();
            String inference = assertThrows(IllegalArgumentException.class,
                    () -> planner.planWithInference(budget, 0, ParameterisationKind.SP)).getMessage();
            assertEquals(plain, inference);
        }
    }
}
