package dev.wafer.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Hides the inherited {@code --backend} from the help of commands that compute nothing (models, plan, data ...):
 * they refuse it, yet their help listed it as "Compute backend". The option stays on them, hidden, so an explicit
 * {@code --backend} still reaches {@link Startup}'s one-line refusal instead of picocli's "Unknown option". A group
 * with a computing command below it ({@code wafer}, {@code study}, {@code audit}) keeps listing it.
 */
final class BackendFlagHelp {
    private BackendFlagHelp() {
    }

    /** Hides {@code --backend} in {@code cli} and every command below it that, with its subcommands, computes nothing. */
    static void hideWhereUnused(CommandLine cli) {
        for (CommandLine sub : cli.getSubcommands().values()) {
            hideWhereUnused(sub);
        }
        if (cli.getParent() == null || !computesNothing(cli)) {
            return;
        }
        CommandSpec spec = cli.getCommandSpec();
        OptionSpec shown = spec.findOption(dev.wafer.app.backend.BackendSelection.FLAG);
        if (shown != null && !shown.hidden()) {
            spec.remove(shown);
            // LOCAL: the copy is this command's own; its subcommands already hold theirs.
            spec.addOption(shown.toBuilder().hidden(true).scopeType(CommandLine.ScopeType.LOCAL).build());
        }
    }

    private static boolean computesNothing(CommandLine cli) {
        if (!(cli.getCommand() instanceof BackendAgnostic)) {
            return false;
        }
        return cli.getSubcommands().values().stream().allMatch(BackendFlagHelp::computesNothing);
    }
}
