package dev.wafer.app.cli;

import java.io.PrintStream;
import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The root {@code wafer} command. Subcommands are listed here; user errors (bad flags, impossible
 * values) end with one line on stderr and exit code 2, never a stack trace.
 */
@Command(name = "wafer", mixinStandardHelpOptions = true, version = "wafer 0.1.0",
        description = "Compute-optimal GPT-style language model training (Cerebras-GPT) on the JVM.",
        subcommands = {
                TrainCommand.class, BenchCommand.class,
        })
public final class WaferCommand implements Runnable {
    /** Exit code for user errors: unknown flags, impossible values. */
    public static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the CLI with the given streams and returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new WaferCommand());
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cli.setOut(outWriter);
        cli.setErr(errWriter);
        cli.setParameterExceptionHandler((ex, a) -> {
            errWriter.println("wafer: " + ex.getMessage());
            return USAGE_ERROR;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserError || ex instanceof IllegalArgumentException) {
                errWriter.println("wafer: " + ex.getMessage());
                return USAGE_ERROR;
            }
            throw ex;
        });
        return cli.execute(args);
    }
}
