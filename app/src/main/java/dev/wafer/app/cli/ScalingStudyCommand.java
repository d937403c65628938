package dev.wafer.app.cli;

import dev.wafer.formats.study.StudyJson;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.wafer.formats.plot.StudyPlots;
import dev.wafer.formats.tokens.PreparedStudyData;
import dev.wafer.domain.recipe.LearningRates;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.scaling.PowerLawFit;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.study.ScalingStudy;
import dev.wafer.domain.study.StudyListener;
import dev.wafer.domain.study.StudyTraining;
import dev.wafer.ports.compute.ComputeBackend;
import dev.wafer.ports.compute.ComputeBackendFactory;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wafer study scaling}: a compute-optimal family trained and fitted with {@code L(f) = a f^b + c}. */
@Command(name = "scaling", mixinStandardHelpOptions = true,
        description = "Compute-optimal scaling study: train a family at N tokens/parameter, fit L(f) = a f^b + c.")
final class ScalingStudyCommand implements Runnable {
    /** The --quick family: four sizes that train in a few minutes on two cores. */
    static final String QUICK_SIZES = "32x1,48x1,64x2,96x2";
    /** The default family (about an hour on two cores, estimated from measured throughput). */
    static final String DEFAULT_SIZES = "32x1,48x1,64x2,96x2,128x2,160x3";
    /** Runs with a finite loss that fitting a*f^b+c needs (the domain's minimum). */
    private static final int FIT_POINTS = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    /** What each run is checked against before any trains: the device's free memory or the heap. */
    @Inject
    dev.wafer.app.backend.MemoryBudget memory;

    @Mixin
    StudyOptions options;

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

    @Option(names = "--lr", paramLabel = "LR", description = "Peak learning rate (default: 3e-3 SP, the lr-sweep's best at width 64; 6e-3 muP, the paper's eta_base).")
    Double lr;

    @Option(names = "--d-head", defaultValue = "16", paramLabel = "D", description = "Head width (default ${DEFAULT-VALUE}).")
    int dHead;

    @Option(names = "--eval-sequences", defaultValue = "512", paramLabel = "N",
            description = "Held-out sequences scored per model (default ${DEFAULT-VALUE}).")
    int evalSequences;

    @Override
    public void run() {
        options.check();
        List<ModelSizeFlag> family = family();
        positive("--tokens-per-param", tokensPerParam);
        List<Double> extras = extraTokensPerParam == null ? List.of() : extraTokensPerParam;
        extras.forEach(t -> positive("--extra-tokens-per-param", t));
        for (int i = 0; i < extras.size(); i++) {
            if (extras.indexOf(extras.get(i)) != i) { // it trained and listed the same run twice
                throw new UserError("--extra-tokens-per-param: " + extras.get(i) + " is given twice (each value is"
                        + " one extra run)");
            }
        }
        ModelSizeFlag extra = extraSize != null ? ModelSizeFlag.parse("--extra-size", extraSize, dHead) : family.get(1);
        if (extraSize != null && extras.isEmpty()) {
            throw new UserError("--extra-size " + extraSize + ": only with --extra-tokens-per-param (it is the shape"
                    + " of the extra runs)");
        }
        ParameterisationKind kind = options.kind();
        double peak = StudyOptions.learningRate("--lr",
                lr != null ? lr : LearningRates.forStudy(kind));
        StudyTraining training = options.training(evalSequences);
        StudyOutput output = StudyOutput.create(options, "scaling", spec.commandLine().getOut());
        PrintWriter err = spec.commandLine().getErr();
        StudyRun.Finished<ScalingStudy.Result> run = output.run(() -> StudyRun.run(backends, memory, options, err,
                StudyRun.given(spec, evalSequences), vocab -> runs(family, extras.isEmpty() ? null : extra, vocab),
                (backend, data, progress) ->
                train(backend, data, progress, err,
                        settings(kind, family, extra, extras, peak, StudyRun.scored(training, data, err),
                                data.vocabSize()))));
        Map<String, Object> json = StudyJson.scaling(run.result(), run.backend(), run.wallSeconds());
        String warning = PowerLawFit.degeneracy(run.result().law()).map(why -> "the fit is degenerate: " + why
                + "; too few or too close sizes, or too few tokens per parameter, for a scaling law").orElse(null);
        if (warning != null) {
            json.put("fit_warning", warning);
        }
        output.publish("scaling-" + kind.id(), json, png -> StudyPlots.scaling(run.result(), png),
                (out, png, file) -> {
                    StudyTables.scaling(out, run.result(), png, file, run.wallSeconds());
                    if (warning != null) {
                        out.println("warning: " + warning);
                    }
                });
    }

    /** --sizes, else the --quick or default family; checked before the data is opened, so a typo fails at once. */
    private List<ModelSizeFlag> family() {
        if (quick && sizes != null) {
            throw new UserError("--quick and --sizes exclude each other");
        }
        if (dHead < 1) {
            throw new UserError("--d-head must be positive");
        }
        List<String> specs = sizes != null ? sizes : List.of((quick ? QUICK_SIZES : DEFAULT_SIZES).split(","));
        List<ModelSizeFlag> family = specs.stream().map(s -> ModelSizeFlag.parse("--sizes", s, dHead)).toList();
        for (int i = 0; i < family.size(); i++) {
            if (family.indexOf(family.get(i)) != i) {
                throw new UserError("--sizes: " + specs.get(i).trim() + " is given twice (each size is one point of"
                        + " the fit)");
            }
        }
        if (family.size() < FIT_POINTS) {
            throw new UserError("--sizes needs at least 3 sizes to fit a*f^b+c, found " + family.size());
        }
        return family;
    }

    /** The family and extra runs; their shapes need the data's vocabulary. */
    private ScalingStudy.Settings settings(ParameterisationKind kind, List<ModelSizeFlag> family, ModelSizeFlag extra,
                                           List<Double> extras, double peak, StudyTraining training, int vocab) {
        List<ModelShape> shapes = family.stream().map(f -> f.shape(dHead, vocab, options.seq)).toList();
        ModelShape extraShape = extras.isEmpty() ? null : extra.shape(dHead, vocab, options.seq);
        List<String> names = family.stream().map(f -> f.width() + "x" + f.layers()).toList();
        ScalingRatios.check("--tokens-per-param", tokensPerParam, names, shapes, training);
        for (double t : extras) {
            ScalingRatios.check("--extra-tokens-per-param", t, List.of(extra.width() + "x" + extra.layers()),
                    List.of(extraShape), training);
        }
        return StudyOptions.settings("--sizes, --tokens-per-param, --extra-tokens-per-param, --lr",
                () -> new ScalingStudy.Settings(kind, shapes, tokensPerParam, extraShape, extras, peak, training));
    }

    /** Each fitted size's shape (keyed {@code --sizes WxL}) and the extra runs' (null for none), for {@link StudyMemory}. */
    private Map<String, ModelShape> runs(List<ModelSizeFlag> family, ModelSizeFlag extra, int vocab) {
        Map<String, ModelShape> runs = new java.util.LinkedHashMap<>();
        for (ModelSizeFlag f : family) {
            runs.put("--sizes " + f.width() + "x" + f.layers(), f.shape(dHead, vocab, options.seq));
        }
        if (extra != null) {
            runs.putIfAbsent((extraSize != null ? "--extra-size " : "--sizes ") + extra.width() + "x"
                    + extra.layers(), extra.shape(dHead, vocab, options.seq));
        }
        return runs;
    }

    /**
     * Trains the family. Too few fitted runs with a finite loss means the learning rate was too high for it, which
     * the domain reports as an {@link IllegalStateException}; only that case is the user's to fix.
     */
    private ScalingStudy.Result train(ComputeBackend backend, PreparedStudyData data, StudyListener progress,
                                      PrintWriter err, ScalingStudy.Settings settings) {
        if (!options.quiet) {
            List<ScalingStudy.Plan> plans = ScalingStudy.plans(settings);
            // Each run trains alone: the split is seen more than once only by a run longer than it.
            boolean repeats = plans.stream().anyMatch(p -> p.tokens() > data.trainTokens());
            err.printf(Locale.ROOT, "scaling study: %d runs, %,d training tokens in all; the training split has"
                    + " %,d tokens%s%n", plans.size(), plans.stream().mapToLong(ScalingStudy.Plan::tokens).sum(),
                    data.trainTokens(), repeats ? ", so the larger models see it more than once" : "");
        }
        FiniteRunCount fitted = new FiniteRunCount(progress, settings.sizes().size());
        try {
            return ScalingStudy.run(backend, data, settings, fitted);
        } catch (IllegalStateException e) {
            if (fitted.finite() >= FIT_POINTS) {
                throw e; // not the diverged runs that ScalingStudy reports this way: a bug
            }
            throw new UserError("--lr " + settings.peakLr() + ": " + e.getMessage());
        }
    }

    private static void positive(String flag, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new UserError(flag + " must be positive and finite, found " + value);
        }
    }
}
