package dev.wafer.app.cli;

import dev.wafer.app.backend.BackendCatalog;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The root {@code wafer} command. Subcommands are listed here; user errors (bad flags, impossible
 * values) end with one line on stderr and exit code 2, never a stack trace. Which exceptions count as user
 * errors, and what the other exit codes mean, is {@link ErrorReport}'s job.
 */
@Command(name = "wafer", mixinStandardHelpOptions = true, version = "wafer 0.1.0",
        description = "Compute-optimal GPT-style language model training (Cerebras-GPT) on the JVM.",
        subcommands = {
            ModelsCommand.class,
            PlanCommand.class,
            ScheduleCommand.class,
            BackendsCommand.class,
            ClusterCommand.class,
            DataCommand.class,
            AuditCommand.class,
            TrainCommand.class,
            GenerateCommand.class,
            EvalCommand.class,
            ImportHfCommand.class,
            ExportHfCommand.class,
            BenchCommand.class,
            StudyCommand.class,
        })
public final class WaferCommand implements Runnable, BackendAgnostic {
    /** Exit code for user errors: unknown flags, impossible values. */
    public static final int USAGE_ERROR = 2;
    /** Exit code when the selected backend cannot run on this machine (a fact of the machine, not a typo). */
    public static final int BACKEND_UNAVAILABLE = 3;
    /** Exit code when reading or writing a file failed (disk full, permission denied). */
    public static final int IO_ERROR = 74;
    /** Exit code for a bug in Wafer: an exception no command expected (sysexits' EX_SOFTWARE). */
    public static final int INTERNAL_ERROR = 70;
    /** The JVM, or a backend's device, ran out of memory (one line with the remedies, no trace). */
    public static final int OUT_OF_MEMORY = 71;
    /** A backend's device failed mid-run, e.g. a CUDA launch error (one line naming the call; sysexits' EX_UNAVAILABLE). */
    public static final int DEVICE_FAILED = 69;

    @Option(names = "--backend", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "Compute backend: cpu, opencl or cuda (default: $WAFER_BACKEND, else cpu).")
    private String backend;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The {@code --backend} value, or {@code null} when the flag was not given. */
    String backend() {
        return backend;
    }

    /**
     * Refuses {@code --backend} given with different values before and after a subcommand: picocli refuses it twice
     * on one level, but across levels the last silently won ({@code wafer --backend cuda train --backend cpu} ran on
     * cpu). Equal values are fine.
     *
     * @throws UserError naming both values and where each was given
     */
    static void requireOneBackend(ParseResult parsed) {
        String first = null;
        String where = null;
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            CommandLine.Model.OptionSpec o = p.matchedOption("--backend");
            String value = o == null || o.stringValues().isEmpty() ? null : o.stringValues().get(0);
            String here = p == parsed ? "before the subcommand" : "after '" + p.commandSpec().name() + "'";
            if (value != null && first != null && !value.equals(first)) {
                throw new UserError("--backend given twice with different values: '" + first + "' " + where
                        + " and '" + value + "' " + here + "; give it once");
            }
            if (value != null && first == null) {
                first = value;
                where = here;
            }
        }
    }

    /** Runs the CLI with the given streams and returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv(), BackendCatalog.standard());
    }

    /** As {@link #run(String[], PrintStream, PrintStream)}, with the environment and backends given. */
    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, BackendCatalog backends) {
        CommandLine cli = commandLine(out, err, env, backends);
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands only Exceptions to the handler; an Error thrown by the command itself arrives here.
            String command = ErrorReport.commandName(cli.getParseResult());
            err.println("prepare".equals(command) ? ErrorReport.prepareOutOfMemoryLine(e)
                    : ErrorReport.outOfMemoryLine(e, command));
            return OUT_OF_MEMORY;
        }
    }

    /** The configured command line, ready to execute; tests may add subcommands to it. */
    static CommandLine commandLine(PrintStream out, PrintStream err, Map<String, String> env, BackendCatalog backends) {
        CommandLine cli = new CommandLine(new WaferCommand());
        // picocli's default read any argument starting with '@' as a file of arguments: `--prompt @user` took the
        // words of a file 'user', a path '@x' was another file's contents. Every argument is taken as given.
        cli.setExpandAtFiles(false);
        cli.setExecutionStrategy(new Startup(backends, env));
        PrintWriter outWriter = new PrintWriter(out, true);
        PrintWriter errWriter = new PrintWriter(err, true);
        cli.setOut(outWriter);
        cli.setErr(errWriter);
        cli.setParameterExceptionHandler((ex, a) -> {
            errWriter.println(UsageErrorLine.of(ex));
            return USAGE_ERROR;
        });
        cli.setExecutionExceptionHandler(new ErrorReport(errWriter));
        giveVersion(cli, cli.getCommandSpec().version());
        BackendFlagHelp.hideWhereUnused(cli);
        return cli;
    }

    /**
     * Every subcommand's {@code -V/--version} (its help lists it) prints the tool's version: without one of its own a
     * subcommand printed nothing and exited 0.
     */
    private static void giveVersion(CommandLine command, String[] version) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) {
                sub.getCommandSpec().version(version);
            }
            giveVersion(sub, version);
        }
    }
}
