package dev.wafer.app.cli;

import dev.wafer.formats.study.StudyJson;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

import dev.wafer.formats.plot.StudyPlots;
import dev.wafer.domain.study.LearningRateSweep;
import dev.wafer.domain.study.StudyTraining;
import dev.wafer.ports.compute.ComputeBackendFactory;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wafer study lr-sweep}: learning-rate transfer, the final loss of every (width, learning rate) pair. */
@Command(name = "lr-sweep", mixinStandardHelpOptions = true,
        description = "Learning-rate transfer: final loss of each (width, learning rate) for a fixed token budget.")
final class LrSweepCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    /** What each run is checked against before any trains: the device's free memory or the heap. */
    @Inject
    dev.wafer.app.backend.MemoryBudget memory;

    @Mixin
    StudyOptions options;

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
        StudyTraining training = options.training(evalSequences);
        List<Integer> sorted = StudyOptions.widths(widths, dHead);
        List<Double> rates = lrs.stream().sorted().distinct().toList();
        if (tokens < training.batchTokens()) {
            throw new UserError("--tokens must cover at least one step (--batch x --seq, " + training.batchTokens()
                    + " tokens), found " + tokens);
        }
        StudyOptions.tokenBudget("--tokens", tokens, training);
        if (layers < 1) {
            throw new UserError("--layers must be positive, found " + layers);
        }
        rates.forEach(lr -> StudyOptions.learningRate("--lrs", lr));
        // Every flag is checked before --out is made: a refused sweep leaves no empty folder behind.
        LearningRateSweep.Settings settings = settings(sorted, rates, training);
        StudyOutput output = StudyOutput.create(options, "lr-sweep", spec.commandLine().getOut());
        PrintWriter err = spec.commandLine().getErr();
        if (tokens % training.batchTokens() != 0) {
            // Runs train whole steps: the tokens are rounded up, as mup-search's budget is, and said so.
            err.printf(java.util.Locale.ROOT, "wafer: --tokens %d is not a whole number of steps of %d tokens (--batch"
                    + " x --seq); each run trains %d steps, %d tokens%n", tokens, training.batchTokens(),
                    settings.steps(), settings.steps() * training.batchTokens());
            err.flush();
        }
        StudyRun.Finished<LearningRateSweep.Result> run = output.run(() -> StudyRun.run(backends, memory, options, err,
                StudyRun.given(spec, evalSequences), vocab -> StudyOptions.widthRuns(sorted, layers, dHead, vocab, options.seq),
                (backend, data, progress) -> LearningRateSweep.run(backend, data,
                        settings(sorted, rates, StudyRun.scored(training, data, err)), progress)));
        Map<String, Object> json = StudyJson.learningRateSweep(run.result(), run.backend());
        json.put("wall_seconds", run.wallSeconds());
        output.publish("lr-sweep-" + settings.kind().id(), json,
                png -> StudyPlots.learningRateSweep(run.result(), png),
                (out, png, file) -> StudyTables.learningRateSweep(out, run.result(), png, file, run.wallSeconds()));
    }

    private LearningRateSweep.Settings settings(List<Integer> sorted, List<Double> rates, StudyTraining training) {
        return StudyOptions.settings("--widths, --lrs, --layers, --tokens",
                () -> new LearningRateSweep.Settings(options.kind(), sorted, rates, layers, dHead, tokens, training));
    }
}
