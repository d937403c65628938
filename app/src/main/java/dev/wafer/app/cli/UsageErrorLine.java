package dev.wafer.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The one line for a command line picocli could not parse. A word where a command was expected ({@code wafer trian})
 * names the command, the nearest command and the commands there are; picocli's own text ("Unmatched argument at index
 * 0") says neither what was wrong nor what would be right.
 */
final class UsageErrorLine {
    private UsageErrorLine() {
    }

    static String of(ParameterException ex) {
        String unknown = unknownCommand(ex);
        return "wafer: " + (unknown != null ? unknown : ex.getMessage());
    }

    /** The unknown-command text, or null when the error is another (an unknown option, a stray argument). */
    private static String unknownCommand(ParameterException ex) {
        if (!(ex instanceof UnmatchedArgumentException u) || u.isUnknownOption() || u.getUnmatched().isEmpty()) {
            return null;
        }
        CommandLine at = ex.getCommandLine();
        Map<String, CommandLine> subcommands = at.getSubcommands();
        String word = u.getUnmatched().get(0);
        if (subcommands.isEmpty() || word.startsWith("-")) {
            return null;
        }
        List<String> names = new ArrayList<>();
        subcommands.forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
            }
        });
        String group = at.getParent() == null ? "" : qualifiedName(at) + " ";
        String nearest = nearest(word, names);
        return "unknown " + group + "command '" + word + "'"
                + (nearest == null ? "" : "; did you mean '" + nearest + "'?")
                + " (" + group + "commands: " + String.join(", ", names) + ")";
    }

    /** {@code data}, or {@code study coord-check}: the command's path below {@code wafer}. */
    static String qualifiedName(CommandLine command) {
        String name = command.getCommandName();
        CommandLine parent = command.getParent();
        return parent == null || parent.getParent() == null ? name : qualifiedName(parent) + " " + name;
    }

    /** The name closest to {@code word}, if it is close enough to be a typo of it (a third of its letters), else null. */
    static String nearest(String word, List<String> names) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = distance(word.toLowerCase(java.util.Locale.ROOT), name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, best.length() / 3) ? best : null;
    }

    /** Edit distance with adjacent transpositions counted as one edit ({@code trian} is one edit from {@code train}). */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    d[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
