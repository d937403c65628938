package dev.wafer.app.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code wafer models}: the Cerebras-GPT family of Table 1 with counts, FLOPs and predicted losses. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the Cerebras-GPT presets (Table 1): shapes, parameters, tokens, FLOPs, predicted loss.")
final class ModelsCommand implements Runnable, BackendAgnostic {
    @Option(names = "--json", description = "Print a JSON array instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        var out = spec.commandLine().getOut();
        List<CerebrasGptPreset> presets = CerebrasGptFamily.all();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (CerebrasGptPreset p : presets) {
                rows.add(toJson(p));
            }
            Json.print(out, rows);
            return;
        }
        Table t = new Table("name", "param", "d_model", "layers", "heads", "d_head", "d_ffn", "params", "tokens",
                "batch", "peak_lr", "decay", "adam_eps", "train_flops", "pred_loss");
        for (CerebrasGptPreset p : presets) {
            var s = p.shape();
            t.row(p.name(), p.parameterisation().id(), s.dModel(), s.nLayers(), s.nHeads(), s.dHead(), s.dFfn(),
                    Format.si(p.params()), Format.si(trainedTokens(p)), p.initialBatchSequences(),
                    Format.sci(p.peakLearningRate()), p.decayType().id(), Format.sci(p.adamEpsilon()),
                    Format.sci(p.trainingFlops()), Format.fixed(p.predictedLoss(), 3));
        }
        t.print(out);
        out.println("batch: sequences of 2048 tokens at the first step (13B: 720, then 1080 from 84B tokens).");
        out.println("tokens: what the run trains, in whole steps (40M-mup-proxy: the paper's 600M tokens are 4577.6"
                + " steps, so 4578: 600,047,616 tokens, which its FLOPs, loss and schedule count).");
        out.println("pred_loss: Pile test loss in nats/token from equation (1) at train_flops.");
        out.flush();
    }

    /**
     * The tokens a run of {@code p} trains: whole steps, as {@code train --dry-run}'s {@code tokens_total} counts them.
     * Every preset's schedule is whole steps (the muP proxy's 600M are rounded up to 4578 steps), so this is its
     * total, which its FLOPs, tokens per parameter and predicted loss count.
     */
    static long trainedTokens(CerebrasGptPreset p) {
        return (long) p.schedule().tokensBeforeStep(p.schedule().totalSteps());
    }

    static Map<String, Object> toJson(CerebrasGptPreset p) {
        var s = p.shape();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", p.name());
        m.put("parameterisation", p.parameterisation().id());
        m.put("d_model", s.dModel());
        m.put("n_layers", s.nLayers());
        m.put("n_heads", s.nHeads());
        m.put("d_head", s.dHead());
        m.put("d_ffn", s.dFfn());
        m.put("vocab_size", s.vocabSize());
        m.put("seq_length", s.seqLength());
        m.put("params", p.params());
        m.put("tokens", trainedTokens(p));
        m.put("tokens_per_param", p.tokensPerParameter());
        m.put("batch_sequences", p.initialBatchSequences());
        List<Map<String, Object>> phases = new ArrayList<>();
        for (var phase : p.schedule().batches().phases()) {
            phases.add(Map.of("start_tokens", phase.startTokens(), "sequences", phase.sequences()));
        }
        m.put("batch_phases", phases);
        m.put("peak_lr", p.peakLearningRate());
        m.put("final_lr", p.schedule().lrInTokens().end());
        m.put("decay", p.decayType().id());
        m.put("warmup_tokens", p.warmupTokens());
        m.put("total_steps", p.schedule().totalSteps());
        m.put("adam_eps", p.adamEpsilon());
        m.put("training_flops", p.trainingFlops());
        m.put("predicted_loss", p.predictedLoss());
        return m;
    }
}
