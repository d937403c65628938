package dev.wafer.app.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wafer.app.data.Progress;
import dev.wafer.app.data.SampleDataset;
import dev.wafer.app.plot.StudyPlots;
import dev.wafer.app.train.PreparedStudyData;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.domain.study.LearningRateSweep;
import dev.wafer.domain.study.ScalingStudy;
import dev.wafer.domain.study.StudyModels;
import dev.wafer.domain.study.StudyTraining;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code wafer study}: the paper's scientific results in miniature: the muP coordinate check, learning-rate
 * transfer across widths, and a compute-optimal scaling study with a fitted law. Each writes a PNG and a JSON of all
 * results to {@code --out} and prints a table (or, with {@code --json}, the JSON).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Studies in miniature: muP coordinate check, learning-rate transfer, scaling law.",
        subcommands = {StudyCommand.CoordCheck.class, StudyCommand.LrSweep.class, StudyCommand.Scaling.class})
public final class StudyCommand implements Runnable, BackendAgnostic {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every study shares: output, data and training batch. */
    static final class Common {
        @Option(names = "--out", paramLabel = "DIR", description = "Where the PNG and JSON go (default: wafer-studies/<study>).")
        Path out;

        @Option(names = "--json", description = "Print the results as JSON instead of a table.")
        boolean json;

        @Option(names = "--quiet", description = "No progress lines on stderr.")
        boolean quiet;

        @Option(names = "--data", paramLabel = "DIR",
                description = "A dataset from 'wafer data prepare' (default: the embedded sample, prepared with --tokenizer).")
        Path data;

        @Option(names = "--tokenizer", defaultValue = "bytes", paramLabel = "bytes|gpt2",
                description = "Tokenizer of the embedded sample (default ${DEFAULT-VALUE}: 257 ids, so tiny models are not mostly embedding).")
        String tokenizer;

        @Option(names = "--seq", defaultValue = "64", paramLabel = "T", description = "Sequence length (default ${DEFAULT-VALUE}).")
        int seq;

        @Option(names = "--batch", defaultValue = "8", paramLabel = "B", description = "Sequences per step (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--seed", defaultValue = "1", description = "Seed of initialisation, batches and data order (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--parameterisation", defaultValue = "mup", paramLabel = "sp|mup",
                description = "Standard or maximal-update parameterisation (default ${DEFAULT-VALUE}).")
        String parameterisation;

        ParameterisationKind kind() {
            try {
                return ParameterisationKind.parse(parameterisation);
            } catch (IllegalArgumentException e) {
                throw new UserError("--parameterisation: " + e.getMessage());
            }
        }

        void check() {
            if (seq < 2 || batch < 1) {
                throw new UserError("--seq must be at least 2 and --batch positive");
            }
        }

        Path outDir(String study) {
            Path dir = out != null ? out : Path.of("wafer-studies", study);
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UserError("--out " + dir + ": cannot create the directory (" + e.getMessage() + ")");
            }
            return dir;
        }

        PreparedStudyData openData(PrintWriter err) {
            try {
                Path dir = data;
                String label = "dataset";
                if (dir == null) {
                    if (!quiet) {
                        err.println("preparing the embedded sample with the " + tokenizer + " tokenizer (cached)...");
                    }
                    dir = SampleDataset.ensure(SampleDataset.defaultCacheRoot(), tokenizer,
                            seq, Progress.NONE);
                    label = "embedded sample";
                }
                PreparedStudyData d = PreparedStudyData.open(dir, label);
                if (d.sequenceLength() < seq) {
                    d.close();
                    throw new UserError("--data " + dir + " has sequences of " + d.sequenceLength()
                            + " tokens, shorter than --seq " + seq + "; prepare it with --seq-len " + seq);
                }
                return d;
            } catch (IOException e) {
                throw new UserError("cannot read --data " + data + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
        }

        void writeJson(Path file, Map<String, Object> json) {
            try {
                Files.writeString(file, JSON.writeValueAsString(json) + "\n");
            } catch (IOException e) {
                throw new UserError("cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    /** {@code wafer study coord-check}. */
    @Command(name = "coord-check", mixinStandardHelpOptions = true,
            description = "muP coordinate check: mean |activation| per layer vs width over the first steps on a fixed batch.")
    static final class CoordCheck implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Inject
        ComputeBackendFactory backends;

        @Mixin
        Common common;

        @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512", paramLabel = "W,...",
                description = "Widths (d_model), multiples of --d-head (default ${DEFAULT-VALUE}).")
        List<Integer> widths;

        @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Steps; step 1 is at init (default ${DEFAULT-VALUE}).")
        int steps;

        @Option(names = "--lr", defaultValue = "3e-3", paramLabel = "LR",
                description = "Constant learning rate; larger than training's to expose blow-ups (default ${DEFAULT-VALUE}).")
        double lr;

        @Option(names = "--seeds", defaultValue = "1", paramLabel = "N", description = "Initialisations averaged per width (default ${DEFAULT-VALUE}).")
        int seeds;

        @Option(names = "--layers", defaultValue = "2", paramLabel = "L", description = "Decoder blocks (default ${DEFAULT-VALUE}).")
        int layers;

        @Option(names = "--d-head", defaultValue = "32", paramLabel = "D", description = "Head width (default ${DEFAULT-VALUE}).")
        int dHead;

        @Override
        public void run() {
            common.check();
            if (steps < 1 || seeds < 1 || layers < 1 || !(lr > 0)) {
                throw new UserError("--steps, --seeds, --layers and --lr must be positive");
            }
            List<Integer> sorted = checkWidths(widths, dHead);
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = common.outDir("coord-check");
            CoordinateCheck.Settings settings = new CoordinateCheck.Settings(common.kind(), sorted, layers, dHead,
                    common.seq, common.batch, steps, lr, seeds, common.seed, AdamWSettings.cerebras(1e-8));
            long start = System.nanoTime();
            CoordinateCheck.Result result;
            String backendName;
            try (PreparedStudyData data = common.openData(err); ComputeBackend backend = backends.open()) {
                backendName = backend.name();
                result = CoordinateCheck.run(backend, data, settings, new StudyProgress(err, common.quiet));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Object> json = StudyJson.coordinateCheck(result, backendName);
            json.put("wall_seconds", wall);
            Path jsonFile = dir.resolve("coord-check-" + settings.kind().id() + ".json");
            Path png = dir.resolve("coord-check-" + settings.kind().id() + ".png");
            common.writeJson(jsonFile, json);
            List<Integer> shown = shownSteps(steps);
            try {
                StudyPlots.coordinateCheck(result, shown, png);
            } catch (IOException e) {
                throw new UserError("cannot write " + png + ": " + e.getMessage());
            }
            if (common.json) {
                Json.print(out, json);
                return;
            }
            out.printf(Locale.ROOT, "coordinate check, %s, %d layers, d_head %d, lr %.2e constant, %d steps on one fixed"
                    + " batch of %d x %d, %d seed(s)%ndata: %s%nmean |activation| per layer (columns) and width (rows):%n",
                    settings.kind().id(), layers, dHead, lr, steps, common.batch, common.seq, seeds, result.data());
            for (int t : shown) {
                out.printf(Locale.ROOT, "%nstep %d%s%n", t, t == 1 ? " (initialisation)" : "");
                List<String> headers = new ArrayList<>();
                headers.add("width");
                headers.addAll(result.layers());
                Table table = new Table(headers.toArray(String[]::new));
                for (CoordinateCheck.WidthResult w : result.widths()) {
                    Object[] row = new Object[headers.size()];
                    row[0] = w.width();
                    for (int k = 0; k < result.layers().size(); k++) {
                        row[k + 1] = String.format(Locale.ROOT, "%.4g", w.meanAbs()[t - 1][k]);
                    }
                    table.row(row);
                }
                Object[] ratio = new Object[headers.size()];
                ratio[0] = "ratio " + sorted.get(sorted.size() - 1) + "/" + sorted.get(0);
                for (int k = 0; k < result.layers().size(); k++) {
                    double[] c = result.curve(result.layers().get(k), t);
                    ratio[k + 1] = String.format(Locale.ROOT, "%.2fx", c[c.length - 1] / c[0]);
                }
                table.row(ratio);
                table.print(out);
            }
            out.printf(Locale.ROOT, "%nwrote %s and %s (%.1fs)%n", png, jsonFile, wall);
            out.flush();
        }

        /** Steps shown in the table and plot: 1, 2, 3, the middle and the last (at most six panels). */
        static List<Integer> shownSteps(int steps) {
            TreeSet<Integer> s = new TreeSet<>();
            for (int t : new int[] {1, 2, 3, (steps + 1) / 2, steps}) {
                if (t >= 1 && t <= steps) {
                    s.add(t);
                }
            }
            return List.copyOf(s);
        }
    }

    /** {@code wafer study lr-sweep}. */
    @Command(name = "lr-sweep", mixinStandardHelpOptions = true,
            description = "Learning-rate transfer: final loss of each (width, learning rate) for a fixed token budget.")
    static final class LrSweep implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Inject
        ComputeBackendFactory backends;

        @Mixin
        Common common;

        @Option(names = "--widths", split = ",", defaultValue = "64,128,256", paramLabel = "W,...",
                description = "Widths (d_model), multiples of --d-head (default ${DEFAULT-VALUE}).")
        List<Integer> widths;

        @Option(names = "--lrs", split = ",", defaultValue = "1e-4,3e-4,1e-3,3e-3,1e-2,3e-2", paramLabel = "LR,...",
                description = "Peak learning rates (default ${DEFAULT-VALUE}).")
        List<Double> lrs;

        @Option(names = "--tokens", defaultValue = "131072", paramLabel = "N",
                description = "Training tokens per run (default ${DEFAULT-VALUE}).")
        long tokens;

        @Option(names = "--layers", defaultValue = "2", paramLabel = "L", description = "Decoder blocks (default ${DEFAULT-VALUE}).")
        int layers;

        @Option(names = "--d-head", defaultValue = "32", paramLabel = "D", description = "Head width (default ${DEFAULT-VALUE}).")
        int dHead;

        @Option(names = "--eval-sequences", defaultValue = "256", paramLabel = "N",
                description = "Held-out sequences scored per run (default ${DEFAULT-VALUE}).")
        int evalSequences;

        @Override
        public void run() {
            common.check();
            List<Integer> sorted = checkWidths(widths, dHead);
            List<Double> rates = lrs.stream().sorted().distinct().toList();
            StudyTraining training = StudyTraining.of(common.seq, common.batch, evalSequences, common.seed);
            if (tokens < training.batchTokens() || layers < 1 || evalSequences < 0) {
                throw new UserError("--tokens must cover at least one step (" + training.batchTokens()
                        + " tokens) and --layers must be positive");
            }
            for (double lr : rates) {
                if (!(lr > 0)) {
                    throw new UserError("--lrs must be positive, found " + lr);
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = common.outDir("lr-sweep");
            LearningRateSweep.Settings settings = new LearningRateSweep.Settings(common.kind(), sorted, rates, layers,
                    dHead, tokens, training);
            long start = System.nanoTime();
            LearningRateSweep.Result result;
            String backendName;
            try (PreparedStudyData data = common.openData(err); ComputeBackend backend = backends.open()) {
                backendName = backend.name();
                result = LearningRateSweep.run(backend, data, settings, new StudyProgress(err, common.quiet));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Object> json = StudyJson.learningRateSweep(result, backendName);
            json.put("wall_seconds", wall);
            Path jsonFile = dir.resolve("lr-sweep-" + settings.kind().id() + ".json");
            Path png = dir.resolve("lr-sweep-" + settings.kind().id() + ".png");
            common.writeJson(jsonFile, json);
            try {
                StudyPlots.learningRateSweep(result, png);
            } catch (IOException e) {
                throw new UserError("cannot write " + png + ": " + e.getMessage());
            }
            if (common.json) {
                Json.print(out, json);
                return;
            }
            out.printf(Locale.ROOT, "learning-rate sweep, %s, %d layers, d_head %d, %,d tokens per run (%d steps of %d"
                    + " x %d), warm-up 10%% then linear decay to 10%%%ndata: %s%n%s loss per width (rows) and peak"
                    + " learning rate (columns):%n", settings.kind().id(), layers, dHead, result.tokens(),
                    settings.steps(), common.batch, common.seq, result.data(),
                    result.heldOut() ? "held-out" : "training");
            List<String> headers = new ArrayList<>(List.of("width", "params"));
            rates.forEach(r -> headers.add(String.format(Locale.ROOT, "%.1e", r)));
            headers.add("best lr");
            Table table = new Table(headers.toArray(String[]::new));
            for (int w : sorted) {
                List<Object> row = new ArrayList<>();
                row.add(w);
                row.add(String.format(Locale.ROOT, "%,d", result.points().stream().filter(p -> p.width() == w)
                        .findFirst().orElseThrow().params()));
                for (double r : rates) {
                    LearningRateSweep.Point p = result.points().stream().filter(q -> q.width() == w && q.lr() == r)
                            .findFirst().orElseThrow();
                    String cell = p.diverged() ? "diverged" : String.format(Locale.ROOT, "%.4f", p.finalLoss());
                    row.add(result.bestLr().get(w) != null && result.bestLr().get(w) == r ? cell + "*" : cell);
                }
                Double best = result.bestLr().get(w);
                row.add(best == null ? "-" : String.format(Locale.ROOT, "%.1e", best));
                table.row(row.toArray());
            }
            table.print(out);
            out.printf(Locale.ROOT, "%nwrote %s and %s (%.1fs)%n", png, jsonFile, wall);
            out.flush();
        }
    }

    /** {@code wafer study scaling}. */
    @Command(name = "scaling", mixinStandardHelpOptions = true,
            description = "Compute-optimal scaling study: train a family at N tokens/parameter, fit L(f) = a f^b + c.")
    static final class Scaling implements Runnable {
        /** The --quick family: four sizes that train in a few minutes on two cores. */
        static final String QUICK_SIZES = "32x1,48x1,64x2,96x2";
        /** The default family (about an hour on two cores, estimated from measured throughput). */
        static final String DEFAULT_SIZES = "32x1,48x1,64x2,96x2,128x2,160x3";

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Inject
        ComputeBackendFactory backends;

        @Mixin
        Common common;

        @Option(names = "--sizes", split = ",", paramLabel = "WxL,...",
                description = "Family as d_model x layers (default " + DEFAULT_SIZES + "; --quick: " + QUICK_SIZES + ").")
        List<String> sizes;

        @Option(names = "--quick", description = "A small family that finishes in a few minutes (" + QUICK_SIZES + ").")
        boolean quick;

        @Option(names = "--tokens-per-param", defaultValue = "20", paramLabel = "N",
                description = "Tokens per parameter of the fitted runs (default ${DEFAULT-VALUE}, compute-optimal).")
        double tokensPerParam;

        @Option(names = "--extra-tokens-per-param", split = ",", paramLabel = "N,...",
                description = "Also train --extra-size at these tokens per parameter and compare with equation (4).")
        List<Double> extraTokensPerParam;

        @Option(names = "--extra-size", paramLabel = "WxL", description = "Shape of the extra runs (default: the second size).")
        String extraSize;

        @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: 3e-3 SP, 6e-3 muP, from the lr-sweep at these sizes).")
        Double lr;

        @Option(names = "--d-head", defaultValue = "16", paramLabel = "D", description = "Head width (default ${DEFAULT-VALUE}).")
        int dHead;

        @Option(names = "--eval-sequences", defaultValue = "512", paramLabel = "N",
                description = "Held-out sequences scored per model (default ${DEFAULT-VALUE}).")
        int evalSequences;

        @Override
        public void run() {
            common.check();
            if (quick && sizes != null) {
                throw new UserError("--quick and --sizes exclude each other");
            }
            if (!(tokensPerParam > 0) || evalSequences < 0) {
                throw new UserError("--tokens-per-param must be positive and --eval-sequences not negative");
            }
            List<String> specs = sizes != null ? sizes : List.of((quick ? QUICK_SIZES : DEFAULT_SIZES).split(","));
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ParameterisationKind kind = common.kind();
            double peak = lr != null ? lr : kind == ParameterisationKind.MUP ? 6e-3 : 3e-3;
            if (!(peak > 0)) {
                throw new UserError("--lr must be positive, found " + peak);
            }
            StudyTraining training = StudyTraining.of(common.seq, common.batch, evalSequences, common.seed);
            Path dir = common.outDir("scaling");
            long start = System.nanoTime();
            ScalingStudy.Result result;
            String backendName;
            try (PreparedStudyData data = common.openData(err); ComputeBackend backend = backends.open()) {
                backendName = backend.name();
                List<ModelShape> family = new ArrayList<>();
                for (String s : specs) {
                    family.add(parseSize(s, data.vocabSize()));
                }
                if (family.size() < 3) {
                    throw new UserError("--sizes needs at least 3 sizes to fit a*f^b+c, found " + family.size());
                }
                List<Double> extras = extraTokensPerParam == null ? List.of() : extraTokensPerParam;
                ModelShape extraShape = extras.isEmpty() ? null
                        : extraSize != null ? parseSize(extraSize, data.vocabSize()) : family.get(1);
                ScalingStudy.Settings settings;
                try {
                    settings = new ScalingStudy.Settings(kind, family, tokensPerParam, extraShape, extras, peak,
                            training);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
                if (!common.quiet) {
                    long total = ScalingStudy.plans(settings).stream().mapToLong(ScalingStudy.Plan::tokens).sum();
                    err.printf(Locale.ROOT, "scaling study: %d runs, %,d training tokens in all; the training split has"
                            + " %,d tokens, so the larger models see it more than once%n",
                            ScalingStudy.plans(settings).size(), total, data.trainTokens());
                }
                try {
                    result = ScalingStudy.run(backend, data, settings, new StudyProgress(err, common.quiet));
                } catch (IllegalStateException e) {
                    throw new UserError(e.getMessage());
                }
            }
            double wall = (System.nanoTime() - start) / 1e9;
            Map<String, Object> json = StudyJson.scaling(result, backendName, wall);
            Path jsonFile = dir.resolve("scaling-" + kind.id() + ".json");
            Path png = dir.resolve("scaling-" + kind.id() + ".png");
            common.writeJson(jsonFile, json);
            try {
                StudyPlots.scaling(result, png);
            } catch (IOException e) {
                throw new UserError("cannot write " + png + ": " + e.getMessage());
            }
            if (common.json) {
                Json.print(out, json);
                return;
            }
            out.printf(Locale.ROOT, "scaling study, %s, %.0f tokens/parameter, peak lr %.2e, batch %d x %d, warm-up 10%%"
                    + " then linear decay to 10%%%ndata: %s%n%n", kind.id(), tokensPerParam, peak, common.batch,
                    common.seq, result.data());
            Table table = new Table("d_model", "layers", "params", "tokens/param", "tokens", "FLOPs",
                    result.heldOut() ? "held-out loss" : "train loss", "fit", "deviation", "seconds");
            for (ScalingStudy.Model m : result.models()) {
                table.row(m.shape().dModel(), m.shape().nLayers(), String.format(Locale.ROOT, "%,d", m.params()),
                        String.format(Locale.ROOT, "%.0f%s", m.tokensPerParameter(), m.onFrontier() ? "" : " (extra)"),
                        String.format(Locale.ROOT, "%,d", m.tokens()), String.format(Locale.ROOT, "%.3e", m.flops()),
                        Double.isFinite(m.loss()) ? String.format(Locale.ROOT, "%.4f", m.loss()) : "diverged",
                        String.format(Locale.ROOT, "%.4f", m.predicted()),
                        Double.isFinite(m.deviation()) ? String.format(Locale.ROOT, "%+.2f%%", 100 * m.deviation())
                                : "-", String.format(Locale.ROOT, "%.0f", m.seconds()));
            }
            table.print(out);
            out.printf(Locale.ROOT, "%nfitted law: L(f) = %.4g * f^(%.5f) + %.4f nats/token (rms residual %.4f)%n",
                    result.law().a(), result.law().b(), result.law().c(), result.rmsResidual());
            boolean extras = result.models().stream().anyMatch(m -> !m.onFrontier());
            if (extras) {
                out.println("extra runs: 'fit' is the fitted frontier times equation (4)'s penalty for their tokens"
                        + " per parameter");
            }
            out.printf(Locale.ROOT, "wrote %s and %s (%.0fs in all)%n", png, jsonFile, wall);
            out.flush();
        }

        private ModelShape parseSize(String text, int vocab) {
            String[] parts = text.trim().toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length != 2) {
                    throw new NumberFormatException();
                }
                int w = Integer.parseInt(parts[0]);
                int l = Integer.parseInt(parts[1]);
                if (l < 1) {
                    throw new UserError("--sizes: " + text + " needs at least one layer");
                }
                return StudyModels.shape(w, l, dHead, vocab, common.seq);
            } catch (NumberFormatException e) {
                throw new UserError("--sizes: expected WIDTHxLAYERS such as 64x2, found '" + text + "'");
            } catch (IllegalArgumentException e) {
                throw new UserError("--sizes: " + text + ": " + e.getMessage() + " (--d-head " + dHead + ")");
            }
        }
    }

    private static List<Integer> checkWidths(List<Integer> widths, int dHead) {
        if (dHead < 1) {
            throw new UserError("--d-head must be positive");
        }
        List<Integer> sorted = widths.stream().sorted().distinct().toList();
        if (sorted.size() < 2) {
            throw new UserError("--widths needs at least two widths");
        }
        for (int w : sorted) {
            if (w < dHead || w % dHead != 0) {
                throw new UserError("--widths: " + w + " is not a positive multiple of --d-head " + dHead);
            }
        }
        return sorted;
    }
}
