package dev.wafer.domain.plan;

import java.util.Comparator;
import java.util.Objects;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.scaling.ParameterCount;
import dev.wafer.domain.scaling.PowerLaw;
import dev.wafer.domain.scaling.ShapeFamily;
import dev.wafer.domain.scaling.TokensPerParameterPenalty;
import dev.wafer.domain.schedule.DecayType;

/**
 * Plans compute-optimal runs over the {@link ShapeFamily}.
 *
 * <p>Hyperparameters come from the paper: for SP the learning rate, batch size and decay type of the Table 1
 * preset nearest in parameter count (log scale); for muP the transferred 6e-3 with linear decay. Warm-up is the
 * paper's 375M tokens, capped at a fifth of the run for small budgets: 111M warms up over 16.9% of its tokens, so
 * the cap must lie above that (a sixth clipped the paper's own 111M to 370M tokens).
 */
public final class ComputeOptimalPlanner {
    private static final double MAX_WARMUP_FRACTION = 1.0 / 5;
    /** Members whose FLOPs miss the budget by at most 1% more than the best are treated as equally close. */
    private static final double NEAR_MISS = 0.01;
    /**
     * How far the nearest member's training FLOPs may be from the budget (a factor): inside the family's range the
     * nearest is within a few percent, so a larger miss means a budget outside it, which a plan cannot meet.
     */
    static final double MAX_MISS_FACTOR = 2;

    private final PowerLaw law;

    /** A planner predicting losses with {@code law}. */
    public ComputeOptimalPlanner(PowerLaw law) {
        this.law = law;
    }

    /** A planner on the paper's Pile law, equation (1). */
    public static ComputeOptimalPlanner paper() {
        return new ComputeOptimalPlanner(PowerLaw.CEREBRAS_GPT_PILE);
    }

    /**
     * The family member that, trained at 20 tokens per parameter, uses training FLOPs closest (in ratio) to
     * {@code flopsBudget}; among members within 1% of the best, the one whose aspect ratio is nearest 80.
     *
     * @throws IllegalArgumentException when no member trains within {@value #MAX_MISS_FACTOR}x of the budget (a
     *                                  budget below the smallest member's or above the largest member's), naming the
     *                                  range the family covers
     * @throws NullPointerException naming {@code kind} when it is null
     */
    public TrainingPlan plan(double flopsBudget, ParameterisationKind kind) {
        Objects.requireNonNull(kind, "kind");
        double bestMiss = requireInFamily(flopsBudget);
        ModelShape best = ShapeFamily.members().stream()
                .filter(s -> Math.abs(Math.log(trainingFlopsAt20(s) / flopsBudget)) <= bestMiss + NEAR_MISS)
                .min(Comparator.comparingDouble(ShapeFamily::aspectDeviation))
                .orElseThrow();
        long params = ParameterCount.total(best);
        double tokens = TokensPerParameterPenalty.COMPUTE_OPTIMAL_TOKENS_PER_PARAMETER * params;
        double flops = FlopCount.trainingRun(best, tokens);
        return build(best, kind, tokens, flops, 0, law.lossAt(flops));
    }

    /**
     * Refuses a budget no family member spends within {@value #MAX_MISS_FACTOR}x of at 20 tokens per parameter,
     * naming the family's range; returns the nearest member's miss (log ratio).
     */
    private static double requireInFamily(double flopsBudget) {
        requirePositive("FLOP budget", flopsBudget);
        double bestMiss = ShapeFamily.members().stream()
                .mapToDouble(s -> Math.abs(Math.log(trainingFlopsAt20(s) / flopsBudget))).min().orElseThrow();
        if (bestMiss > Math.log(MAX_MISS_FACTOR)) {
            ModelShape smallest = ShapeFamily.members().stream()
                    .min(Comparator.comparingDouble(ComputeOptimalPlanner::trainingFlopsAt20)).orElseThrow();
            ModelShape largest = ShapeFamily.members().stream()
                    .max(Comparator.comparingDouble(ComputeOptimalPlanner::trainingFlopsAt20)).orElseThrow();
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "a FLOP budget of %.3g is"
                    + " outside the planned family: at 20 tokens per parameter its models train with %.3g (%s) to"
                    + " %.3g FLOPs (%s)", flopsBudget, trainingFlopsAt20(smallest), describe(smallest),
                    trainingFlopsAt20(largest), describe(largest)));
        }
        return bestMiss;
    }

    /**
     * The model with the lowest predicted loss when {@code totalBudget} must pay for training and for
     * {@code inferenceTokens} tokens of inference (equation 2). Each candidate shape spends what inference leaves
     * on training tokens; its loss is equation (1) at those training FLOPs times equation (4)'s penalty for its
     * tokens per parameter.
     *
     * @throws IllegalArgumentException when no model fits: inference alone exceeds the budget; or, as {@link #plan}
     *                                  refuses it, a budget outside the family's range
     * @throws NullPointerException naming {@code kind} when it is null
     */
    public TrainingPlan planWithInference(double totalBudget, double inferenceTokens, ParameterisationKind kind) {
        Objects.requireNonNull(kind, "kind");
        requireInFamily(totalBudget);
        if (!(inferenceTokens >= 0) || Double.isInfinite(inferenceTokens)) {
            throw new IllegalArgumentException("inference tokens must be >= 0, found " + inferenceTokens);
        }
        TrainingPlan best = null;
        for (ModelShape shape : ShapeFamily.members()) {
            double inferenceFlops = inferenceTokens * FlopCount.inferencePerToken(shape);
            double trainingFlops = totalBudget - inferenceFlops;
            if (!(trainingFlops > 0)) {
                continue; // inference alone uses up the budget for this shape
            }
            double tokens = trainingFlops / FlopCount.trainingPerToken(shape);
            double tau = tokens / ParameterCount.total(shape);
            double loss = TokensPerParameterPenalty.predictedLoss(law, trainingFlops, tau);
            if (best == null || loss < best.predictedLoss()) {
                best = build(shape, kind, tokens, trainingFlops, inferenceFlops, loss);
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("a FLOP budget of " + totalBudget + " does not cover "
                    + inferenceTokens + " inference tokens even for the smallest model");
        }
        return best;
    }

    private TrainingPlan build(ModelShape shape, ParameterisationKind kind, double tokens, double trainingFlops,
            double inferenceFlops, double loss) {
        long params = ParameterCount.total(shape);
        CerebrasGptPreset nearest = CerebrasGptFamily.all().stream()
                .filter(p -> p.parameterisation() == kind && !p.name().contains("proxy"))
                .min(Comparator.comparingDouble(p -> Math.abs(Math.log((double) p.params() / params))))
                .orElseThrow();
        double warmup = Math.min(CerebrasGptFamily.PAPER_WARMUP_TOKENS, tokens * MAX_WARMUP_FRACTION);
        DecayType decay = nearest.decayType();
        return new TrainingPlan(shape, kind, params, tokens, trainingFlops, inferenceFlops, loss,
                nearest.peakLearningRate(), nearest.initialBatchSequences(), warmup, decay, nearest.name());
    }

    private static String describe(ModelShape s) {
        return "d_model " + s.dModel() + ", " + s.nLayers() + (s.nLayers() == 1 ? " layer" : " layers");
    }

    private static double trainingFlopsAt20(ModelShape s) {
        return FlopCount.trainingRun(s,
                TokensPerParameterPenalty.COMPUTE_OPTIMAL_TOKENS_PER_PARAMETER * ParameterCount.total(s));
    }

    private static void requirePositive(String what, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(what + " must be positive and finite, found " + value);
        }
    }
}
