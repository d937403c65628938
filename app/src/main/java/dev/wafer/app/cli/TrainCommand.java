package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.wafer.app.checkpoint.FileCheckpointStore;
import dev.wafer.app.checkpoint.ModelCheckpoints;
import dev.wafer.app.data.DatasetLayout;
import dev.wafer.app.data.Progress;
import dev.wafer.app.data.SampleDataset;
import dev.wafer.app.data.ShardedSequences;
import dev.wafer.app.train.SyntheticTokenSource;
import dev.wafer.app.train.TokenFileSource;
import dev.wafer.domain.data.SequenceBatchSource;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.scaling.FlopCount;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.schedule.DecayType;
import dev.wafer.domain.train.NonFiniteTrainingException;
import dev.wafer.domain.train.RunSchedule;
import dev.wafer.domain.train.Trainer;
import dev.wafer.domain.train.TrainerSettings;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import dev.wafer.ports.compute.TensorScope;
import dev.wafer.ports.data.ResumableBatchSource;
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
    static final long DEFAULT_STEPS = 1500;
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

    @Option(names = "--out", paramLabel = "DIR",
            description = "Write checkpoints to DIR/" + ModelCheckpoints.FILE_NAME + " (replaced atomically; the latest is kept).")
    Path out;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "With --out: checkpoint every N optimizer steps (default: only at the end).")
    Long checkpointEvery;

    @Option(names = "--resume", paramLabel = "DIR|FILE",
            description = "Continue the run saved in DIR (or a checkpoint file) exactly; the checkpoint fixes the model,"
                    + " schedule, seed and data. --batch-tokens may change: the step is rescaled to keep tokens.")
    Path resume;

    @Option(names = "--stop-at", paramLabel = "STEP",
            description = "Stop after optimizer step STEP (and checkpoint), keeping the schedule of --steps; resume later.")
    Long stopAt;

    private final CheckpointStore store = new FileCheckpointStore();

    /** Everything that determines a run; saved in every checkpoint. */
    private record Run(ModelShape s, ModelShape model, int batch, ParameterisationKind kind, RunSchedule schedule,
            double adamEps, long seed, String dataKind, String dataPath, boolean skipNonFinite) {
    }

    /** Where a resumed run continues: steps done, tokens trained, data position, optimizer updates. */
    private record Position(long step, long tokens, long dataPosition, int adamSteps) {
    }

    @Override
    public void run() {
        if (checkpointEvery != null && checkpointEvery < 1) {
            throw new UserError("--checkpoint-every must be positive, found " + checkpointEvery);
        }
        if (checkpointEvery != null && out == null && resume == null) {
            throw new UserError("--checkpoint-every needs --out DIR (or --resume DIR) to say where checkpoints go");
        }
        if (resume != null) {
            resumeRun();
        } else {
            train(freshRun(), null, null);
        }
    }

    private Run freshRun() {
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
        // 10% of the run, at least one step, but never the whole run (--steps 1 has no warm-up).
        long warm = warmup != null ? warmup : Math.min(Math.max(1, total / 10), total - 1);
        if (warm < 0 || warm >= total) {
            throw new UserError("--warmup must be in [0, --steps), found " + warm);
        }
        DecayType decayType = decay != null ? parseDecay(decay) : p != null ? p.decayType() : DecayType.LINEAR;
        long tokensPerStep = batchTokens != null ? batchTokens : (long) batch * s.seqLength();
        checkBatchTokens(tokensPerStep, batch, s.seqLength());
        double adamEps = eps != null ? eps : p != null ? p.adamEpsilon() : 1e-8;
        ModelShape modelShape = ShapeOptions.toModel(s, p != null ? p.shape().seqLength() : s.seqLength());
        RunSchedule schedule = RunSchedule.paper(peak, warm, total, decayType, tokensPerStep);
        String dataKind;
        String dataPath = null;
        if (synthetic) {
            if (data != null) {
                throw new UserError("--synthetic and --data exclude each other");
            }
            dataKind = "synthetic";
        } else if (data == null) {
            dataKind = "sample";
        } else {
            dataKind = Files.isDirectory(data) ? "dataset" : "tokens";
            dataPath = data.toAbsolutePath().normalize().toString();
        }
        return new Run(s, modelShape, batch, kind, schedule, adamEps, seed, dataKind, dataPath, skipNonFinite);
    }

    private static void checkBatchTokens(long tokensPerStep, int batch, int seq) {
        if (tokensPerStep < (long) batch * seq || tokensPerStep % ((long) batch * seq) != 0) {
            throw new UserError("--batch-tokens must be a positive multiple of one micro-batch ("
                    + (long) batch * seq + " tokens), found " + tokensPerStep);
        }
    }

    private void resumeRun() {
        String fixed = fixedByCheckpoint();
        if (fixed != null) {
            throw new UserError(fixed + " cannot change on --resume: the checkpoint fixes it (only --batch-tokens,"
                    + " --data, --out, --checkpoint-every, --stop-at, --eval-batches and --json may be given)");
        }
        Path file = ModelCheckpoints.resolve(resume);
        if (!Files.exists(file)) {
            throw new UserError("--resume " + resume + ": no checkpoint at " + file);
        }
        Run run;
        Position position;
        try (CheckpointReader reader = store.open(file)) {
            CheckpointHeader h = reader.header();
            ModelShape model = ModelCheckpoints.shape(file, h);
            ParameterisationKind kind = ModelCheckpoints.kind(file, h);
            Map<String, Object> sc = h.schedule();
            int batch = ModelCheckpoints.intField(file, sc, "schedule", "micro_batch");
            int seq = ModelCheckpoints.intField(file, sc, "schedule", "seq");
            long savedBatchTokens = ModelCheckpoints.longField(file, sc, "schedule", "batch_tokens");
            RunSchedule saved;
            try {
                saved = new RunSchedule(ModelCheckpoints.doubleField(file, sc, "schedule", "peak_lr"),
                        ModelCheckpoints.doubleField(file, sc, "schedule", "warmup"),
                        ModelCheckpoints.doubleField(file, sc, "schedule", "decay"),
                        ModelCheckpoints.longField(file, sc, "schedule", "total_steps"),
                        parseDecay(ModelCheckpoints.stringField(file, sc, "schedule", "decay_type")), savedBatchTokens);
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(Problem.MALFORMED_HEADER, file, "schedule: " + e.getMessage());
            }
            long step = ModelCheckpoints.longField(file, sc, "schedule", "step");
            long newBatchTokens = batchTokens != null ? batchTokens : savedBatchTokens;
            checkBatchTokens(newBatchTokens, batch, seq);
            RunSchedule.Resumed resumed;
            try {
                resumed = saved.rescaledTo(step, newBatchTokens);
            } catch (IllegalArgumentException e) {
                throw new UserError("--batch-tokens " + newBatchTokens + ": " + e.getMessage());
            }
            Map<String, Object> d = h.data();
            String dataKind = ModelCheckpoints.stringField(file, d, "data", "kind");
            String dataPath = d.get("path") instanceof String str ? str : null;
            if (data != null) {
                dataPath = data.toAbsolutePath().normalize().toString();
            }
            ModelShape s = new ModelShape(model.vocabSize(), seq, model.dModel(), model.nLayers(), model.nHeads(),
                    model.dHead(), model.dFfn());
            run = new Run(s, model, batch, kind, resumed.schedule(),
                    ModelCheckpoints.doubleField(file, sc, "schedule", "adam_eps"),
                    ModelCheckpoints.longField(file, h.random(), "random", "seed"), dataKind, dataPath,
                    Boolean.TRUE.equals(sc.get("skip_nonfinite")));
            position = new Position(resumed.stepsDone(), ModelCheckpoints.longField(file, sc, "schedule", "tokens"),
                    ModelCheckpoints.longField(file, d, "data", "position"),
                    ModelCheckpoints.intField(file, sc, "schedule", "adam_steps"));
            if (resumed.stepsDone() != step && !json) {
                spec.commandLine().getErr().printf(Locale.ROOT, "batch %d -> %d tokens: step %d rescaled to %d%n",
                        savedBatchTokens, newBatchTokens, step, resumed.stepsDone());
            }
            train(run, position, reader);
        } catch (CheckpointException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** The first flag given that a checkpoint fixes, or null. */
    private String fixedByCheckpoint() {
        Object[][] flags = {{"--preset", preset}, {"--parameterisation", parameterisation}, {"--steps", steps},
            {"--lr", lr}, {"--warmup", warmup}, {"--decay", decay}, {"--eps", eps}, {"--d-model", shape.dModel},
            {"--layers", shape.layers}, {"--heads", shape.heads}, {"--seq", shape.seq}, {"--batch", shape.batch},
            {"--vocab", shape.vocab}, {"--synthetic", synthetic ? Boolean.TRUE : null},
            {"--seed", spec.commandLine().getParseResult().hasMatchedOption("--seed") ? seed : null}};
        for (Object[] f : flags) {
            if (f[1] != null) {
                return (String) f[0];
            }
        }
        return null;
    }

    private void train(Run run, Position from, CheckpointReader checkpoint) {
        ModelShape s = run.s();
        int batch = run.batch();
        RunSchedule schedule = run.schedule();
        long total = schedule.totalSteps();
        long end = stopAt != null ? Math.min(total, stopAt) : total;
        long tokensPerStep = schedule.batchTokens();
        Path outDir = out != null ? out : resume != null && Files.isDirectory(resume) ? resume : null;
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (DataFeed feed = openData(run, err); ComputeBackend backend = backends.open();
                TensorScope scope = backend.openScope()) {
            Parameterisation param = Parameterisations.of(run.kind(), run.model());
            GptModel model = new GptModel(backend, scope, run.model(), param, batch, s.seqLength());
            AdamW adamW = new AdamW(backend, scope, model.parameters().layout(), AdamWSettings.cerebras(run.adamEps()),
                    param);
            long startTokens = 0;
            if (checkpoint == null) {
                ParameterInitializer.initialize(model.parameters(), param, run.seed());
            } else {
                ModelCheckpoints.load(checkpoint, ModelCheckpoints.PARAMS, model.parameters());
                ModelCheckpoints.load(checkpoint, ModelCheckpoints.ADAM_M, adamW.firstMoments());
                ModelCheckpoints.load(checkpoint, ModelCheckpoints.ADAM_V, adamW.secondMoments());
                adamW.restoreStepsTaken(from.adamSteps());
                feed.train().seek(from.dataPosition());
                startTokens = from.tokens();
            }
            long start = System.nanoTime();
            long firstStep = from == null ? 0 : from.step();
            if (!json) {
                err.printf(Locale.ROOT, "%s %s d_model %d, %d layers, %d heads, seq %d, batch %d x %d tokens"
                        + " (%s, peak lr %.2e, %s) on %s, data: %s%n", from == null ? "training" : "resuming at step "
                        + firstStep + ":", run.kind().id(), s.dModel(), s.nLayers(), s.nHeads(), s.seqLength(),
                        tokensPerStep / ((long) batch * s.seqLength()), batch * s.seqLength(), run.kind().id(),
                        schedule.peak(), schedule.type().id(), backend.name(), feed.description());
            }
            Trainer trainer = new Trainer(model, adamW, feed.train(), schedule,
                    m -> report(m, total, stdout, err, start, firstStep),
                    new TrainerSettings(tokensPerStep, FlopCount.trainingPerToken(s), run.skipNonFinite()),
                    System::nanoTime);
            trainer.resumeAt(firstStep);
            long saved = -1;
            while (trainer.stepsDone() < end) {
                trainer.step();
                long done = trainer.stepsDone();
                if (outDir != null && checkpointEvery != null && done % checkpointEvery == 0) {
                    save(outDir, run, model, adamW, feed, done, startTokens + (done - firstStep) * tokensPerStep);
                    saved = done;
                }
            }
            if (outDir != null && saved != trainer.stepsDone()) {
                long done = trainer.stepsDone();
                save(outDir, run, model, adamW, feed, done, startTokens + (done - firstStep) * tokensPerStep);
            }
            if (!json && System.console() != null) {
                err.println();
            }
            if (trainer.stepsDone() == total && feed.validation() != null && evalBatches > 0) {
                double loss = validationLoss(model, feed.validation(), batch, s.seqLength());
                if (json) {
                    stdout.printf(Locale.ROOT, "{\"validation_loss\":%.6f,\"validation_tokens\":%d}%n", loss,
                            (long) evalBatches * batch * s.seqLength());
                } else {
                    stdout.printf(Locale.ROOT, "validation loss %.4f nats/token over %d tokens%n", loss,
                            (long) evalBatches * batch * s.seqLength());
                }
                stdout.flush();
            }
        } catch (NonFiniteTrainingException e) {
            throw new UserError(e.getMessage());
        }
    }

    private void save(Path dir, Run run, GptModel model, AdamW adamW, DataFeed feed, long step, long tokens) {
        Map<String, Object> sc = new LinkedHashMap<>();
        RunSchedule schedule = run.schedule();
        sc.put("step", step);
        sc.put("adam_steps", (long) adamW.stepsTaken());
        sc.put("tokens", tokens);
        sc.put("batch_tokens", schedule.batchTokens());
        sc.put("micro_batch", (long) run.batch());
        sc.put("seq", (long) run.s().seqLength());
        sc.put("peak_lr", schedule.peak());
        sc.put("warmup", schedule.warmup());
        sc.put("decay", schedule.decay());
        sc.put("total_steps", schedule.totalSteps());
        sc.put("decay_type", schedule.type().id());
        sc.put("adam_eps", run.adamEps());
        sc.put("skip_nonfinite", run.skipNonFinite());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("kind", run.dataKind());
        if (run.dataPath() != null) {
            d.put("path", run.dataPath());
        }
        d.put("position", feed.train().position());
        d.put("seed", run.seed());
        CheckpointHeader header = new CheckpointHeader(ModelCheckpoints.modelSection(run.model()),
                ModelCheckpoints.parameterisationSection(run.kind()), sc, d, Map.of("seed", run.seed()));
        List<TensorSource> tensors = new ArrayList<>(ModelCheckpoints.sources(ModelCheckpoints.PARAMS,
                model.parameters()));
        tensors.addAll(ModelCheckpoints.sources(ModelCheckpoints.ADAM_M, adamW.firstMoments()));
        tensors.addAll(ModelCheckpoints.sources(ModelCheckpoints.ADAM_V, adamW.secondMoments()));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("--out " + dir + ": cannot create the directory: " + e.getMessage());
        }
        try {
            store.save(dir.resolve(ModelCheckpoints.FILE_NAME), header, tensors);
        } catch (CheckpointException e) {
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
    private record DataFeed(ResumableBatchSource train, TokenBatchSource validation, String description,
            TokenSequences... open) implements AutoCloseable {
        @Override
        public void close() {
            for (TokenSequences s : open) {
                s.close();
            }
        }
    }

    private DataFeed openData(Run run, PrintWriter err) {
        ModelShape s = run.s();
        long seed = run.seed();
        if (run.dataKind().equals("synthetic")) {
            SyntheticTokenSource source = new SyntheticTokenSource(s.vocabSize(), seed);
            source.sequenceLength(s.seqLength());
            return new DataFeed(source, null, "synthetic tokens");
        }
        Path dir = run.dataPath() == null ? null : Path.of(run.dataPath());
        try {
            if (run.dataKind().equals("sample")) {
                dir = SampleDataset.ensure(SampleDataset.defaultCacheRoot(), s.seqLength(), Progress.NONE);
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
                        (run.dataKind().equals("sample") ? "embedded sample, " : "") + dir + " (" + train.count()
                                + " train sequences)", train, val);
            }
            if (!Files.isRegularFile(dir)) {
                throw new UserError("--data " + dir + " does not exist");
            }
            return new DataFeed(new TokenFileSource(dir, s.vocabSize(), s.seqLength(), seed), null, dir.toString());
        } catch (IOException e) {
            throw new UserError("cannot read --data " + dir + ": " + e.getMessage());
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

    private void report(StepMetrics m, long total, PrintWriter out, PrintWriter err, long start, long firstStep) {
        if (json) {
            // The loss is printed exactly (shortest round-trip form) so runs can be compared bit for bit.
            out.println(String.format(Locale.ROOT, "{\"step\":%d,\"loss\":%s,\"lr\":%.6e,\"grad_norm\":%.6f,"
                            + "\"tokens_per_s\":%.1f,\"model_flops_per_s\":%.4e,\"step_seconds\":%.4f,\"skipped\":%b}",
                    m.step(), Double.toString(m.loss()), m.learningRate(), m.gradNorm(), m.tokensPerSecond(),
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
        double eta = elapsed / Math.max(1, m.step() - firstStep) * (total - m.step());
        int width = 30;
        int done = (int) (width * m.step() / total);
        err.print(String.format(Locale.ROOT, "%s[%s%s] step %d/%d loss %.4f lr %.2e |g| %.3f %.0f tok/s ETA %.0fs%s",
                terminal ? "\r" : "", "#".repeat(done), ".".repeat(width - done), m.step(), total, m.loss(),
                m.learningRate(), m.gradNorm(), m.tokensPerSecond(), eta, terminal ? " " : "\n"));
        err.flush();
    }
}
