package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import dev.wafer.app.data.DatasetLayout;
import dev.wafer.app.data.Progress;
import dev.wafer.app.data.SampleDataset;
import dev.wafer.app.data.ShardedSequences;
import dev.wafer.app.train.SyntheticTokenSource;
import dev.wafer.app.train.TokenFileSource;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.GptShape;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.scaling.ModelShape;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.schedule.WarmupDecaySchedule;
import dev.wafer.domain.train.NonFiniteTrainingException;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.TokenBatchSource;
import dev.wafer.ports.data.TokenSequences;
import dev.wafer.ports.metrics.StepMetrics;
import jakarta.inject.Inject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code wafer train}: trains a model given by a preset and/or shape flags on a prepared dataset, a token file,
 * the embedded sample corpus (the default) or synthetic tokens, on the backend chosen by {@code --backend}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a GPT-3-style model (SP or muP). Without --data it trains on the embedded sample corpus.")
public final class TrainCommand implements Runnable {
    /** Steps of the default run: about five minutes of the default model on a 2-core machine. */
    static final long DEFAULT_STEPS = 600;
    /** SP peak rate of the default tiny model; the paper's 6e-4 is tuned for 111M and is slow at this width. */
    static final double DEFAULT_SP_LR = 2e-3;
    @Spec
    CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    @Mixin
    ShapeOptions shape;

    @Option(names = "--preset", paramLabel = "NAME",
            description = "A preset from 'wafer models' or a laptop preset (mup-proxy-64/128/256, sp-tiny-128).")
    String preset;

    @Option(names = "--data", paramLabel = "DIR|FILE",
            description = "A dataset from 'wafer data prepare' (its train split) or a little-endian uint16 token file.")
    Path data;

    @Option(names = "--synthetic", description = "Train on seeded random tokens instead of text (for timing).")
    boolean synthetic;

    @Option(names = "--parameterisation", paramLabel = "sp|mup", description = "Default: the preset's, else sp.")
    String parameterisation;

    @Option(names = "--steps", paramLabel = "N",
            description = "Optimizer steps (default: the preset's; else " + DEFAULT_STEPS + ", about 5 minutes on 2 cores).")
    Long steps;

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: the preset's; else "
            + DEFAULT_SP_LR + " SP, 6e-3 muP).")
    Double lr;

    @Option(names = "--warmup", paramLabel = "N", description = "Warm-up steps (default: 10% of --steps).")
    Long warmup;

    @Option(names = "--decay", paramLabel = "linear|cosine", description = "Decay to 10% of peak (default: the preset's, else linear).")
    String decay;

    @Option(names = "--batch-tokens", paramLabel = "N",
            description = "Tokens per optimizer step, by gradient accumulation (default: one micro-batch).")
    Long batchTokens;

    @Option(names = "--eps", paramLabel = "EPS", description = "Adam epsilon (default: the preset's, else 1e-8).")
    Double eps;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of initialisation and data order (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--eval-batches", defaultValue = "8", paramLabel = "N",
            description = "Micro-batches of the validation split to score after training (dataset only; default ${DEFAULT-VALUE}).")
    int evalBatches;

    @Option(names = "--json", description = "Print one JSON object per step instead of a progress line.")
    boolean json;

    @Option(names = "--skip-nonfinite", description = "Skip steps whose loss or gradient is NaN or infinite.")
    boolean skipNonFinite;

    @Override
    public void run() {
        CerebrasGptPreset p = preset == null ? null : requirePreset(preset);
        ModelShape s = shape.resolve(p != null ? p.shape() : ShapeOptions.DEFAULT);
        int batch = shape.batch(p != null ? Math.min(p.initialBatchSequences(), 8) : ShapeOptions.DEFAULT_BATCH);
        ParameterisationKind kind = parameterisation != null ? parseKind(parameterisation)
                : p != null ? p.parameterisation() : ParameterisationKind.SP;
        long total = steps != null ? steps : p != null && p.schedule().totalSteps() <= 10_000
                ? p.schedule().totalSteps() : DEFAULT_STEPS;
        if (total < 1) {
            throw new UserError("--steps must be positive, found " + total);
        }
        double peak = lr != null ? lr : p != null && p.parameterisation() == kind ? p.peakLearningRate()
                : kind == ParameterisationKind.MUP ? CerebrasGptFamily.MUP_BASE_LEARNING_RATE
                : p != null ? 6e-4 : DEFAULT_SP_LR;
        long warm = warmup != null ? warmup : total / 10;
        if (warm < 0 || warm >= total) {
            throw new UserError("--warmup must be in [0, --steps), found " + warm);
        }
        DecayType decayType = decay != null ? parseDecay(decay) : p != null ? p.decayType() : DecayType.LINEAR;
        WarmupDecaySchedule schedule = WarmupDecaySchedule.paper(peak, warm, total - warm, decayType);
        long tokensPerStep = batchTokens != null ? batchTokens : (long) batch * s.seqLength();
        if (tokensPerStep < (long) batch * s.seqLength() || tokensPerStep % ((long) batch * s.seqLength()) != 0) {
            throw new UserError("--batch-tokens must be a positive multiple of one micro-batch ("
                    + (long) batch * s.seqLength() + " tokens), found " + tokensPerStep);
        }
        double adamEps = eps != null ? eps : p != null ? p.adamEpsilon() : 1e-8;
        GptShape modelShape = ShapeOptions.toModel(s, p != null ? p.shape().seqLength() : s.seqLength());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (DataFeed feed = openData(s, err); ComputeBackend backend = backends.open();
                TensorScope scope = backend.openScope()) {
            Parameterisation param = Parameterisations.of(kind, modelShape);
            GptModel model = new GptModel(backend, scope, modelShape, param, batch, s.seqLength());
            ParameterInitializer.initialize(model.parameters(), param, seed);
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(adamEps), param);
            long start = System.nanoTime();
            if (!json) {
                err.printf(Locale.ROOT, "training %s d_model %d, %d layers, %d heads, seq %d, batch %d x %d tokens"
                        + " (%s, peak lr %.2e, %s) on %s, data: %s%n", kind.id(), s.dModel(), s.nLayers(), s.nHeads(),
                        s.seqLength(), tokensPerStep / ((long) batch * s.seqLength()), batch * s.seqLength(),
                        kind.id(), peak, decayType.id(), backend.name(), feed.description());
            }
            Trainer trainer = new Trainer(model, adamW, feed.train(), schedule::lrAt,
                    m -> report(m, total, out, err, start),
                    new TrainerSettings(tokensPerStep, FlopCount.trainingPerToken(s), skipNonFinite), System::nanoTime);
            trainer.run(total);
            if (!json && System.console() != null) {
                err.println();
            }
            if (feed.validation() != null && evalBatches > 0) {
                double loss = validationLoss(model, feed.validation(), batch, s.seqLength());
                if (json) {
                    out.printf(Locale.ROOT, "{\"validation_loss\":%.6f,\"validation_tokens\":%d}%n", loss,
                            (long) evalBatches * batch * s.seqLength());
                } else {
                    out.printf(Locale.ROOT, "validation loss %.4f nats/token over %d tokens%n", loss,
                            (long) evalBatches * batch * s.seqLength());
                }
                out.flush();
            }
        } catch (NonFiniteTrainingException e) {
            throw new UserError(e.getMessage());
        }
    }

    private double validationLoss(GptModel model, TokenBatchSource validation, int batch, int seq) {
        int[] inputs = new int[batch * seq];
        int[] targets = new int[batch * seq];
        double sum = 0;
        for (int i = 0; i < evalBatches; i++) {
            validation.next(inputs, targets, batch, seq);
            sum += model.forward(inputs, targets);
        }
        return sum / evalBatches;
    }

    /** Training (and, for a dataset, validation) batches, with the files they hold open. */
    private record DataFeed(TokenBatchSource train, TokenBatchSource validation, String description,
            TokenSequences... open) implements AutoCloseable {
        @Override
        public void close() {
            for (TokenSequences s : open) {
                s.close();
            }
        }
    }

    private DataFeed openData(ModelShape s, PrintWriter err) {
        if (synthetic) {
            if (data != null) {
                throw new UserError("--synthetic and --data exclude each other");
            }
            return new DataFeed(new SyntheticTokenSource(s.vocabSize(), seed), null, "synthetic tokens");
        }
        try {
            Path dir = data;
            if (dir == null) {
                Path cache = Path.of(System.getProperty("user.home"), ".cache", "wafer");
                dir = SampleDataset.ensure(cache, s.seqLength(), Progress.NONE);
            }
            if (Files.isDirectory(dir)) {
                if (!Files.isRegularFile(new DatasetLayout(dir).manifest())) {
                    throw new UserError("--data " + dir + " is a directory without " + DatasetLayout.MANIFEST
                            + "; expected a dataset from 'wafer data prepare'");
                }
                ShardedSequences train = ShardedSequences.open(new DatasetLayout(dir), Split.TRAIN, true);
                ShardedSequences val = ShardedSequences.open(new DatasetLayout(dir), Split.VALIDATION, true);
                if (train.vocabSize() > s.vocabSize()) {
                    throw new UserError("dataset " + dir + " has vocabulary " + train.vocabSize()
                            + " but the model's is " + s.vocabSize() + "; pass --vocab " + train.vocabSize());
                }
                TokenBatchSource validation = val.count() >= 2 ? new SequenceBatchSource(val, 0) : null;
                return new DataFeed(new SequenceBatchSource(train, seed), validation,
                        (data == null ? "embedded sample, " : "") + dir + " (" + train.count() + " train sequences)",
                        train, val);
            }
            return new DataFeed(new TokenFileSource(dir, s.vocabSize(), s.seqLength(), seed), null, dir.toString());
        } catch (IOException e) {
            throw new UserError("cannot read --data " + data + ": " + e.getMessage());
        }
    }

    private static CerebrasGptPreset requirePreset(String name) {
        try {
            return CerebrasGptFamily.require(name);
        } catch (IllegalArgumentException e) {
            throw new UserError("--preset: " + e.getMessage());
        }
    }

    private static ParameterisationKind parseKind(String text) {
        try {
            return ParameterisationKind.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UserError("--parameterisation: " + e.getMessage());
        }
    }

    private static DecayType parseDecay(String text) {
        for (DecayType t : DecayType.values()) {
            if (t.id().equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new UserError("--decay must be linear or cosine, found '" + text + "'");
    }

    private void report(StepMetrics m, long total, PrintWriter out, PrintWriter err, long start) {
        if (json) {
            out.println(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%.6f,\"lr\":%.6e,\"grad_norm\":%.6f,"
                            + "\"tokens_per_s\":%.1f,\"model_flops_per_s\":%.4e,\"step_seconds\":%.4f,\"skipped\":%b}",
                    m.step(), m.loss(), m.learningRate(), m.gradNorm(), m.tokensPerSecond(),
                    m.modelFlopsPerSecond(), m.seconds(), m.skipped()));
            out.flush();
            return;
        }
        // On a terminal the bar redraws in place; in a log it prints about 20 lines in all.
        boolean terminal = System.console() != null;
        if (!terminal && m.step() % Math.max(1, total / 20) != 0 && m.step() != total) {
            return;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double eta = elapsed / m.step() * (total - m.step());
        int width = 30;
        int done = (int) (width * m.step() / total);
        err.print(String.format(Locale.ROOT, "%s[%s%s] step %d/%d loss %.4f lr %.2e |g| %.3f %.0f tok/s ETA %.0fs%s",
                terminal ? "\r" : "", "#".repeat(done), ".".repeat(width - done), m.step(), total, m.loss(),
                m.learningRate(), m.gradNorm(), m.tokensPerSecond(), eta, terminal ? " " : "\n"));
        err.flush();
    }
}
