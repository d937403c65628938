package dev.wafer.app.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.preset.CerebrasGptPreset;
import dev.wafer.domain.schedule.TrainingSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code wafer schedule}: a preset's learning rate and batch size, step by step. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Print a preset's learning-rate schedule: step, tokens trained before it, learning rate.")
final class ScheduleCommand implements Runnable, BackendAgnostic {
    @Option(names = "--preset", required = true, paramLabel = "NAME", description = "A preset from 'wafer models'.")
    String preset;

    @Option(names = "--every", paramLabel = "N",
            description = "Print every N steps (default: about 20 rows). Warm-up end and the last step are always shown.")
    Long every;

    @Option(names = "--json", description = "Print a JSON array of {step, tokens, lr, batch_sequences}.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        CerebrasGptPreset p;
        try {
            p = CerebrasGptFamily.require(preset);
        } catch (IllegalArgumentException e) {
            throw new UserError("--preset: " + e.getMessage());
        }
        TrainingSchedule schedule = p.schedule();
        long step = every == null ? Math.max(1, schedule.totalSteps() / 20) : every;
        if (step <= 0) {
            throw new UserError("--every must be a positive number of steps, found " + step);
        }
        List<TrainingSchedule.Point> points = schedule.sample(step);
        var out = spec.commandLine().getOut();
        if (json) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (TrainingSchedule.Point pt : points) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("step", pt.step());
                m.put("tokens", pt.tokens());
                m.put("lr", pt.lr());
                m.put("batch_sequences", pt.sequences());
                rows.add(m);
            }
            Json.print(out, rows);
            return;
        }
        Table t = new Table("step", "tokens", "lr", "batch");
        for (TrainingSchedule.Point pt : points) {
            t.row(pt.step(), Format.si(pt.tokens()), Format.sci(pt.lr()), pt.sequences());
        }
        out.println("preset " + p.name() + ": " + p.decayType().id() + " decay, " + schedule.totalSteps() + " steps");
        t.print(out);
    }
}
