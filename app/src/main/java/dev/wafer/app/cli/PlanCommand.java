package dev.wafer.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.plan.ComputeOptimalPlanner;
import dev.wafer.domain.plan.TrainingPlan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code wafer plan}: what to train for a FLOP budget, on how many tokens, and the loss to expect. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Plan a compute-optimal run (20 tokens/parameter) for a FLOP budget; with --inference-tokens,"
                + " the model with the lowest predicted loss for training plus inference (equation 2).")
final class PlanCommand implements Runnable, BackendAgnostic {
    @Option(names = "--flops", required = true, paramLabel = "F",
            description = "Compute budget in FLOPs, e.g. 2.8e20 (training only, or training + inference).")
    double flops;

    @Option(names = "--inference-tokens", paramLabel = "N",
            description = "Tokens the model is expected to generate or score over its life.")
    Double inferenceTokens;

    @Option(names = "--parameterisation", defaultValue = "sp", paramLabel = "sp|mup",
            description = "Parameterisation whose learning rate the plan uses (default: ${DEFAULT-VALUE}).")
    String parameterisation;

    @Option(names = "--json", description = "Print a JSON object instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        if (!(flops > 0) || Double.isInfinite(flops)) {
            throw new UserError("--flops must be a positive number of FLOPs, found " + flops);
        }
        if (inferenceTokens != null && (!(inferenceTokens >= 0) || inferenceTokens.isInfinite())) {
            throw new UserError("--inference-tokens must be >= 0, found " + inferenceTokens);
        }
        ParameterisationKind kind;
        try {
            kind = ParameterisationKind.parse(parameterisation);
        } catch (IllegalArgumentException e) {
            throw new UserError("--parameterisation: " + e.getMessage());
        }
        ComputeOptimalPlanner planner = ComputeOptimalPlanner.paper();
        TrainingPlan plan = inferenceTokens == null ? plan(planner, kind) : planWithInference(planner, kind);
        var out = spec.commandLine().getOut();
        if (json) {
            Json.print(out, toJson(plan));
            return;
        }
        var s = plan.shape();
        KeyValues t = new KeyValues();
        t.row("budget FLOPs", Format.sci(flops));
        t.row("shape", "d_model " + s.dModel() + ", " + s.nLayers() + " layers, " + s.nHeads() + " heads of "
                + s.dHead() + ", d_ffn " + s.dFfn());
        t.row("parameters", Format.si(plan.params()) + " (" + plan.params() + ")");
        t.row("tokens", Format.si(plan.tokens()) + " (" + Format.fixed(plan.tokensPerParameter(), 1) + " per parameter)");
        t.row("training FLOPs", Format.sci(plan.trainingFlops()));
        if (inferenceTokens != null) {
            t.row("inference FLOPs", Format.sci(plan.inferenceFlops()) + " for " + Format.si(inferenceTokens) + " tokens");
            t.row("total FLOPs", Format.sci(plan.totalFlops()));
        }
        t.row("predicted Pile loss", Format.fixed(plan.predictedLoss(), 4) + " nats/token");
        t.row("peak learning rate", Format.sci(plan.peakLearningRate()) + " (" + plan.parameterisation().id()
                + ", as preset " + plan.hyperparametersFrom() + ")");
        t.row("batch", plan.batchSequences() + " sequences of " + s.seqLength() + " tokens");
        t.row("schedule", "linear warm-up over " + Format.si(plan.warmupTokens()) + " tokens, then "
                + plan.decayType().id() + " decay to 10% of peak");
        t.print(out);
    }

    private TrainingPlan plan(ComputeOptimalPlanner planner, ParameterisationKind kind) {
        try {
            return planner.plan(flops, kind);
        } catch (IllegalArgumentException e) {
            // A valid number, but a budget no model of the family can spend at 20 tokens per parameter.
            throw new UserError("--flops: " + e.getMessage());
        }
    }

    private TrainingPlan planWithInference(ComputeOptimalPlanner planner, ParameterisationKind kind) {
        plan(planner, kind); // a budget outside the family is refused as without --inference-tokens, naming --flops
        try {
            return planner.planWithInference(flops, inferenceTokens, kind);
        } catch (IllegalArgumentException e) {
            // The flags are valid one by one; together they can still ask for more inference than the budget holds:
            // named as --inference-tokens, with the most tokens the budget covers on the family's cheapest model.
            double cheapest = dev.wafer.domain.scaling.ShapeFamily.members().stream()
                    .mapToDouble(dev.wafer.domain.scaling.FlopCount::inferencePerToken).min().orElseThrow();
            throw new UserError("--inference-tokens " + Format.sci(inferenceTokens) + ": inference alone would use"
                    + " up --flops " + Format.sci(flops) + " even on the smallest model of the family ("
                    + Format.sci(cheapest) + " FLOPs a token), leaving nothing to train; expected fewer than "
                    + Format.sci(flops / cheapest) + " tokens");
        }
    }

    static Map<String, Object> toJson(TrainingPlan plan) {
        var s = plan.shape();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("params", plan.params());
        m.put("tokens", plan.tokens());
        m.put("tokens_per_param", plan.tokensPerParameter());
        m.put("d_model", s.dModel());
        m.put("n_layers", s.nLayers());
        m.put("n_heads", s.nHeads());
        m.put("d_head", s.dHead());
        m.put("d_ffn", s.dFfn());
        m.put("vocab_size", s.vocabSize());
        m.put("seq_length", s.seqLength());
        m.put("training_flops", plan.trainingFlops());
        m.put("inference_flops", plan.inferenceFlops());
        m.put("total_flops", plan.totalFlops());
        m.put("predicted_loss", plan.predictedLoss());
        m.put("parameterisation", plan.parameterisation().id());
        m.put("peak_lr", plan.peakLearningRate());
        m.put("batch_sequences", plan.batchSequences());
        m.put("warmup_tokens", plan.warmupTokens());
        m.put("decay", plan.decayType().id());
        m.put("hyperparameters_from", plan.hyperparametersFrom());
        return m;
    }
}
