package dev.wafer.app.cli;

import dev.wafer.formats.study.StudyJson;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.wafer.formats.plot.StudyPlots;
import dev.wafer.domain.optim.AdamWSettings;
import dev.wafer.domain.study.CoordinateCheck;
import dev.wafer.ports.compute.ComputeBackendFactory;
import jakarta.inject.Inject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wafer study coord-check}: the muP coordinate check (mean |activation| per layer against width). */
@Command(name = "coord-check", mixinStandardHelpOptions = true,
        description = "muP coordinate check: mean |activation| per layer vs width over the first steps on a fixed batch.")
final class CoordCheckCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Inject
    ComputeBackendFactory backends;

    /** What each run is checked against before any trains: the device's free memory or the heap. */
    @Inject
    dev.wafer.app.backend.MemoryBudget memory;

    @Mixin
    StudyOptions options;

    @Option(names = "--widths", split = ",", defaultValue = "64,128,256,512", paramLabel = "W,...",
            description = "Widths (d_model), multiples of --d-head (default ${DEFAULT-VALUE}).")
    List<Integer> widths;

    @Option(names = "--steps", defaultValue = "10", paramLabel = "N", description = "Steps; step 1 is at init (default ${DEFAULT-VALUE}; at most "
            + CoordinateCheck.MAX_STEPS + ").")
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
        options.check();
        positive("--steps", steps);
        if (steps > CoordinateCheck.MAX_STEPS) {
            throw new UserError("--steps must be at most " + CoordinateCheck.MAX_STEPS + " (every step's mean"
                    + " |activation| of every layer is kept and written to the JSON; the check is about the first"
                    + " steps), found " + steps);
        }
        positive("--seeds", seeds);
        positive("--layers", layers);
        StudyOptions.learningRate("--lr", lr);
        List<Integer> sorted = StudyOptions.widths(widths, dHead);
        CoordinateCheck.Settings settings = StudyOptions.settings("--widths, --layers, --d-head, --steps, --lr, --seeds",
                () -> new CoordinateCheck.Settings(options.kind(), sorted, layers, dHead, options.seq, options.batch,
                        steps, lr, seeds, options.seed, AdamWSettings.cerebras(1e-8)));
        // Every flag is checked before --out is made: a refused check leaves no empty folder behind.
        StudyOutput output = StudyOutput.create(options, "coord-check", spec.commandLine().getOut());
        StudyRun.Finished<CoordinateCheck.Result> run = output.run(() -> StudyRun.run(backends, memory, options,
                spec.commandLine().getErr(), 0, // it compares activations during training: no held-out data
                vocab -> StudyOptions.widthRuns(sorted, layers, dHead, vocab, options.seq),
                (backend, data, progress) -> CoordinateCheck.run(backend, data, settings, progress)));
        Map<String, Object> json = StudyJson.coordinateCheck(run.result(), run.backend());
        json.put("wall_seconds", run.wallSeconds());
        List<Integer> shown = shownSteps(steps);
        output.publish("coord-check-" + settings.kind().id(), json,
                png -> StudyPlots.coordinateCheck(run.result(), shown, png),
                (out, png, file) -> StudyTables.coordinateCheck(out, run.result(), shown, png, file,
                        run.wallSeconds()));
    }

    private static void positive(String flag, int value) {
        if (value < 1) {
            throw new UserError(flag + " must be a positive whole number, found " + value);
        }
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
