package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

import dev.wafer.app.train.Backends;
import dev.wafer.app.train.ModelFlops;
import dev.wafer.app.train.SyntheticTokenSource;
import dev.wafer.app.train.TokenFileSource;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.GptShape;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.train.LearningRateSchedule;
import dev.wafer.domain.train.NonFiniteTrainingException;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.metrics.StepMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code wafer train}: trains a model of the given shape on a token file (or synthetic data) and reports steps. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a GPT-3-style model (SP or muP) on uint16 token ids.")
public final class TrainCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Mixin
    ShapeOptions shape;

    @Option(names = "--data", description = "little-endian uint16 GPT-2 token file; synthetic data when absent")
    Path data;

    @Option(names = "--parameterisation", description = "sp or mup (default ${DEFAULT-VALUE})", defaultValue = "sp")
    String parameterisation;

    @Option(names = "--steps", description = "optimizer steps (default ${DEFAULT-VALUE})", defaultValue = "100")
    long steps;

    @Option(names = "--lr", description = "peak learning rate (default: 6e-4 SP, 6e-3 muP)")
    Double lr;

    @Option(names = "--warmup", description = "linear warm-up steps (default: 10% of --steps)")
    Long warmup;

    @Option(names = "--batch-tokens", description = "tokens per optimizer step (default: one micro-batch)")
    Long batchTokens;

    @Option(names = "--eps", description = "Adam epsilon (default ${DEFAULT-VALUE})", defaultValue = "1e-8")
    double eps;

    @Option(names = "--seed", description = "seed for initialisation and data (default ${DEFAULT-VALUE})",
            defaultValue = "1")
    long seed;

    @Option(names = "--backend", description = "cpu or cpu-scalar (default ${DEFAULT-VALUE})", defaultValue = "cpu")
    String backendName;

    @Option(names = "--json", description = "print one JSON object per step instead of a progress line")
    boolean json;

    @Option(names = "--skip-nonfinite", description = "skip steps whose loss or gradient is NaN/infinite")
    boolean skipNonFinite;

    @Override
    public void run() {
        GptShape s = shape.shape();
        ParameterisationKind kind = switch (parameterisation.toLowerCase(Locale.ROOT)) {
            case "sp" -> ParameterisationKind.SP;
            case "mup" -> ParameterisationKind.MUP;
            default -> throw new UserError("--parameterisation must be sp or mup, not " + parameterisation);
        };
        if (steps < 1) {
            throw new UserError("--steps must be positive");
        }
        double peak = lr != null ? lr : kind == ParameterisationKind.SP ? 6e-4 : 6e-3;
        long warm = warmup != null ? warmup : Math.max(1, steps / 10);
        long tokensPerStep = batchTokens != null ? batchTokens : (long) shape.batch * shape.seq;
        // Linear warm-up, then linear decay to 10% of the peak (Cerebras-GPT's schedule shape).
        LearningRateSchedule schedule = step -> step < warm ? peak * (step + 1) / warm
                : peak * (1 - 0.9 * Math.min(1.0, (double) (step - warm) / Math.max(1, steps - warm)));
        TokenBatchSource source = openData(s);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (ComputeBackend backend = Backends.open(backendName); TensorScope scope = backend.openScope()) {
            Parameterisation p = Parameterisations.of(kind, s);
            GptModel model = new GptModel(backend, scope, s, p, shape.batch, shape.seq);
            ParameterInitializer.initialize(model.parameters(), p, seed);
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(eps), p);
            long start = System.nanoTime();
            Trainer trainer = new Trainer(model, adamW, source, schedule, m -> report(m, out, err, start),
                    new TrainerSettings(tokensPerStep, ModelFlops.perToken(s, shape.seq), skipNonFinite),
                    System::nanoTime);
            trainer.run(steps);
            if (!json) {
                err.println();
            }
        } catch (NonFiniteTrainingException e) {
            throw new UserError(e.getMessage());
        }
    }

    private TokenBatchSource openData(GptShape s) {
        if (data == null) {
            return new SyntheticTokenSource(s.vocab(), seed);
        }
        try {
            return new TokenFileSource(data, s.vocab(), shape.seq, seed);
        } catch (IOException e) {
            throw new UserError("cannot read " + data + ": " + e.getMessage());
        }
    }

    private void report(StepMetrics m, PrintWriter out, PrintWriter err, long start) {
        if (json) {
            out.println(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.6f,\"lr\":%.6e,\"grad_norm\":%.6f,"
                            + "\"tokens_per_s\":%.1f,\"model_flops_per_s\":%.4e,\"step_seconds\":%.4f,\"skipped\":%b}",
                    m.step(), m.loss(), m.learningRate(), m.gradNorm(), m.tokensPerSecond(),
                    m.modelFlopsPerSecond(), m.seconds(), m.skipped()));
            out.flush();
            return;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = elapsed / m.step() * (steps - m.step());
        int width = 30;
        int done = (int) (width * m.step() / steps);
        err.print(String.format(Locale.ROOT, "\r[%s%s] step %d/%d loss %.4f lr %.2e |g| %.3f %.0f tok/s ETA %.0fs ",
                "#".repeat(done), ".".repeat(width - done), m.step(), steps, m.loss(), m.learningRate(),
                m.gradNorm(), m.tokensPerSecond(), eta));
        err.flush();
    }
}
