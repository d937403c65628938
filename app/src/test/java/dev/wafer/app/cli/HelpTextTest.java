package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wafer.app.backend.BackendCatalog;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command's {@code --help}, rendered through the real command line, is free of picocli warnings. Picocli
 * formats descriptions with {@link String#format}, so a lone {@code %} ("10% of") makes it print a
 * {@code [picocli WARN] Could not format ...} line to {@link System#err} instead of the description.
 */
class HelpTextTest {
    private static final String WARNING = "[picocli WARN]";

    /** The argument lists that ask each command and subcommand of the real CLI for help. */
    static Stream<List<String>> everyCommand() {
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine root = WaferCommand.commandLine(discard, discard, Map.of(), BackendCatalog.standard());
        List<List<String>> paths = new ArrayList<>();
        collect(root, new ArrayList<>(), paths, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        return paths.stream();
    }

    private static void collect(CommandLine cli, List<String> path, List<List<String>> paths, Set<CommandLine> seen) {
        if (!seen.add(cli)) {
            return; // an alias of a command already listed
        }
        List<String> help = new ArrayList<>(path);
        help.add("--help");
        paths.add(help);
        for (CommandLine sub : cli.getSubcommands().values()) {
            List<String> subPath = new ArrayList<>(path);
            subPath.add(sub.getCommandName());
            collect(sub, subPath, paths, seen);
        }
    }

    @Test
    void theWalkReachesNestedSubcommands() {
        List<List<String>> paths = everyCommand().toList();
        assertTrue(paths.contains(List.of("--help")), paths.toString());
        assertTrue(paths.contains(List.of("train", "--help")), paths.toString());
        assertTrue(paths.contains(List.of("data", "prepare", "--help")), paths.toString());
    }

    @ParameterizedTest(name = "wafer {0}")
    @MethodSource("everyCommand")
    void helpRendersWithoutPicocliWarnings(List<String> args) {
        // Picocli's tracer writes to whatever System.err is when it warns, not to the command line's err writer.
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        PrintStream original = System.err;
        CliRun run;
        System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
        try {
            run = CliRun.of(args.toArray(String[]::new));
        } finally {
            System.setErr(original);
        }
        String tracer = traced.toString(StandardCharsets.UTF_8);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("Usage:"), run.out());
        for (String stream : new String[] {run.out(), run.err(), tracer}) {
            assertFalse(stream.contains(WARNING), () -> "wafer " + String.join(" ", args) + " warned:\n"
                    + stream.lines().filter(l -> l.contains(WARNING)).reduce("", (a, b) -> a + b + "\n"));
        }
    }

    @Test
    void aDescriptionWithALonePercentSignIsCaught() {
        // The check above must be able to fail: a command with an unescaped % warns on the tracer's stream.
        @CommandLine.Command(name = "bad", description = "Warm-up steps (default: 10% of --steps).")
        final class Bad implements Runnable {
            @Override
            public void run() {
            }
        }
        ByteArrayOutputStream traced = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(traced, true, StandardCharsets.UTF_8));
        try {
            new CommandLine(new Bad()).usage(new PrintStream(OutputStream.nullOutputStream()));
        } finally {
            System.setErr(original);
        }
        assertTrue(traced.toString(StandardCharsets.UTF_8).contains(WARNING), traced.toString(StandardCharsets.UTF_8));
    }

    /** Every subcommand's -V prints the version its help promises (they printed nothing and exited 0). */
    @Test
    void everySubcommandPrintsTheVersion() {
        for (String[] args : new String[][] {{"train", "--version"}, {"models", "-V"}, {"data", "prepare", "-V"}}) {
            CliRun run = CliRun.of(args);
            assertEquals(0, run.exitCode(), run.err());
            assertEquals("wafer 0.1.0", run.out().strip(), String.join(" ", args));
        }
    }

    /**
     * Commands that refuse --backend listed it in their help as "Compute backend"; now only commands that compute
     * (and the groups holding them) list it.
     */
    @Test
    void backendIsListedOnlyWhereItIsUsed() {
        for (String cmd : new String[] {"models", "plan", "schedule", "backends", "cluster", "data", "data prepare",
            "data stats", "data audit", "data fingerprint", "data plant-duplicates", "import-hf", "export-hf"}) {
            CliRun run = CliRun.of((cmd + " --help").split(" "));
            assertEquals(0, run.exitCode(), run.err());
            assertFalse(run.out().contains("--backend"), "wafer " + cmd + " --help:\n" + run.out());
        }
        for (String cmd : new String[] {"", "train", "eval", "generate", "bench", "study", "study coord-check",
            "audit", "audit memorization"}) {
            CliRun run = CliRun.of((cmd + " --help").strip().split(" "));
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("[--backend=NAME]") && run.out().contains("Compute backend"),
                    "wafer " + cmd + " --help:\n" + run.out());
        }
    }
}
