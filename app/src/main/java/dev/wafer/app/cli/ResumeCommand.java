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
        return of(resume, null, stopAt, maxTokens, null);
    }

    /**
     * {@code wafer train --resume PATH [--backend NAME] [--stop-at STEP] [--max-tokens N] [--checkpoint-every N]}:
     * what the run was asked that its checkpoint does not record (any may be null). The backend is named so that the
     * advice, pasted where {@code WAFER_BACKEND} is not set, resumes on the device the run trained on (a resume is
     * exact only there); the checkpoint cadence so that the resumed run keeps saving as often.
     */
    static String of(Path resume, String backend, Long stopAt, Long maxTokens, Long checkpointEvery) {
        return "wafer train --resume " + quote(resume.toString()) + (backend == null ? "" : " --backend " + quote(backend))
                + (stopAt == null ? "" : " --stop-at " + stopAt)
                + (maxTokens == null ? "" : " --max-tokens " + maxTokens)
                + (checkpointEvery == null ? "" : " --checkpoint-every " + checkpointEvery);
    }

    /** {@code word} as one POSIX shell word: as it is when plain, else in single quotes ({@code '} as {@code '\''}). */
    static String quote(String word) {
        if (PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
