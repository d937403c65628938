package dev.wafer.app.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.backend.BackendModule;
import dev.wafer.app.backend.BackendSelection;
import dev.wafer.app.backend.BackendUnavailableException;
import dev.wafer.app.backend.MemoryBudget;
import dev.wafer.app.backend.UnknownBackendException;
import dev.wafer.app.cluster.Cluster;
import dev.wafer.app.wiring.FormatsModule;
import dev.wafer.formats.input.InvalidInputException;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Runs a parsed command line: selects the backend, refuses one that cannot run here, creates the
 * one injector, injects the command and runs it. This is the composition root; nothing below it
 * calls Guice.
 *
 * <p>Backend errors are thrown as picocli {@link CommandLine.ExecutionException}s so that the
 * root command's exception handler turns them into one line and an exit code, like any other error.
 */
final class Startup implements CommandLine.IExecutionStrategy {
    private final BackendCatalog catalog;
    private final Map<String, String> env;

    Startup(BackendCatalog catalog, Map<String, String> env) {
        this.catalog = catalog;
        this.env = Map.copyOf(env);
    }

    @Override
    public int execute(ParseResult parseResult) {
        Integer helpExitCode = CommandLine.executeHelpRequest(parseResult);
        if (helpExitCode != null) {
            return helpExitCode;
        }
        List<CommandLine> invoked = parseResult.asCommandLineList();
        CommandLine leaf = invoked.get(invoked.size() - 1);
        Object command = leaf.getCommand();
        WaferCommand root = parseResult.commandSpec().commandLine().getCommand();
        requireOneRankUnlessAware(leaf);
        if (command instanceof BackendAgnostic && backendGiven(parseResult)) {
            String message = unusedBackendLine(leaf);
            throw new CommandLine.ExecutionException(leaf, message, new UserError(message));
        }
        Injector injector;
        try {
            WaferCommand.requireOneBackend(parseResult);
        } catch (UserError e) {
            throw new CommandLine.ExecutionException(leaf, e.getMessage(), e);
        }
        try {
            BackendSelection selection = new BackendSelection(catalog);
            // A command that computes nothing does not resolve the configured backend: a stale or mistyped
            // WAFER_BACKEND must not stop it (wafer backends is how a user finds a valid name).
            BackendModule backend = command instanceof BackendAgnostic ? unused() : selection.select(root.backend(), env);
            if (command instanceof BackendsCommand listing) {
                listing.configured = env.get(BackendSelection.ENV);
            }
            MemoryBudget memory = command instanceof BackendAgnostic ? MemoryBudget.heap()
                    : MemoryBudget.of(selection.requireAvailable(backend));
            injector = Guice.createInjector(backend, new CliModule(catalog, new Cluster(env), memory),
                    new FormatsModule());
        } catch (UnknownBackendException e) {
            throw new CommandLine.ExecutionException(leaf, e.getMessage(), new UserError(e.getMessage()));
        } catch (BackendUnavailableException | InvalidInputException e) {
            // InvalidInputException: a backend's setting in the environment that cannot be read (WAFER_CPU_KERNELS).
            throw new CommandLine.ExecutionException(leaf, e.getMessage(), e);
        }
        injector.injectMembers(command);
        return new CommandLine.RunLast().execute(parseResult);
    }

    /**
     * Refuses, before any work, a command that is not {@link RankAware} launched as one of several ranks: every rank
     * would run all of it. A command group without a command only prints its help; one rank ({@code -np 1}) is one
     * process.
     */
    private void requireOneRankUnlessAware(CommandLine leaf) {
        Cluster cluster = new Cluster(env);
        java.util.OptionalInt ranks = cluster.launchedRanks();
        if (leaf.getCommand() instanceof RankAware || !leaf.getSubcommands().isEmpty() || ranks.isEmpty()
                || ranks.getAsInt() <= 1) {
            return;
        }
        String name = UsageErrorLine.qualifiedName(leaf);
        String message = name + " does not share its work among mpirun's ranks: " + cluster.launch() + ", and each would run the whole command; run 'wafer " + name + "' as one process"
                + " (without mpirun, or mpirun -np 1); only train, data prepare and cluster run as several ranks";
        throw new CommandLine.ExecutionException(leaf, message, new UserError(message));
    }

    /** The module bound for a command that computes nothing: the default backend, never probed. */
    private BackendModule unused() {
        return catalog.find(BackendSelection.DEFAULT_BACKEND).orElse(catalog.all().get(0));
    }

    /** Whether {@code --backend} was on the command line, before or after a subcommand (it is inherited). */
    private static boolean backendGiven(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--backend")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why {@code --backend} is refused by a command that computes nothing: a user who passes it believes it chose
     * where the work runs. A command group ({@code wafer study}) only prints its help.
     */
    private static String unusedBackendLine(CommandLine leaf) {
        if (leaf.getParent() == null || !leaf.getSubcommands().isEmpty()) {
            String group = leaf.getParent() == null ? "wafer" : "wafer " + UsageErrorLine.qualifiedName(leaf);
            return "'" + group + "' without a command does not use --backend; name a command (" + group
                    + " --help lists them)";
        }
        return UsageErrorLine.qualifiedName(leaf) + " does not use a compute backend; remove --backend";
    }
}
