package dev.wafer.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code wafer study}: the paper's scientific results in miniature: the muP coordinate check, learning-rate
 * transfer across widths, a compute-optimal scaling study with a fitted law, and the muP hyper-parameter search. Each subcommand writes a PNG and a
 * JSON of all results to {@code --out} and prints a table (or, with {@code --json}, the JSON).
 */
@Command(name = "study", mixinStandardHelpOptions = true,
        description = "Studies in miniature: muP coordinate check, learning-rate transfer, scaling law, muP search.",
        subcommands = {CoordCheckCommand.class, LrSweepCommand.class, ScalingStudyCommand.class,
            MupSearchCommand.class})
public final class StudyCommand implements Runnable, BackendAgnostic {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Without a study named, lists them. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
