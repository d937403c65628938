package dev.wafer.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code wafer audit}: questions about what a trained model took from its data. {@code wafer data audit} asks whether
 * a passage is in a dataset; {@code wafer audit memorization} asks whether the model reproduces it.
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Audit a trained model against its data (see also 'wafer data audit').",
        subcommands = {MemorizationCommand.class, ProvenanceCommand.class})
public final class AuditCommand implements Runnable, BackendAgnostic {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
