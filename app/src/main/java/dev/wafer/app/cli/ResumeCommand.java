package dev.wafer.app.cli;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The {@code wafer train --resume} command line a stopped or failed run advises: pasted into a POSIX shell it
 * continues the run as it was asked to go, so it carries the run's own stop ({@code --stop-at}, {@code --max-tokens},
 * which the checkpoint does not record) and quotes a path that needs it.
 */
final class ResumeCommand {
    /** Words a POSIX shell passes on as they are: no quoting, expansion or splitting applies. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:@%+=,-]+");

    private ResumeCommand() {
    }

    /** {@code wafer train --resume PATH [--stop-at STEP] [--max-tokens N]} (either stop may be null). */
    static String of(Path resume, Long stopAt, Long maxTokens) {
        return "wafer train --resume " + quote(resume.toString()) + (stopAt == null ? "" : " --stop-at " + stopAt)
                + (maxTokens == null ? "" : " --max-tokens " + maxTokens);
    }

    /** {@code word} as one POSIX shell word: as it is when plain, else in single quotes ({@code '} as {@code '\''}). */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
