package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Removes the temporary files a killed writer of the same target left beside it. Called after a successful write,
 * while the target's {@link OutputLock} is held: every Wafer writer of that target holds the lock while its temporary
 * file exists, so one found now belongs to a process that is gone.
 */
final class StaleTemps {
    /** {@code .NAME.tmp-HEX}: export-hf's and import-hf's atomic writes. */
    static final String ATOMIC = "\\.tmp-[0-9a-f]+";
    /** {@code .NAME.PID.tmp} (data fingerprint) and {@code .NAME.BASE36.tmp} (eval --write-requests). */
    static final String NUMBERED = "\\.[0-9a-z]+\\.tmp";

    private StaleTemps() {
    }

    /** Deletes the files beside {@code target} named {@code .NAME} followed by {@code suffix} (a regex). */
    static void remove(Path target, String suffix) {
        Path abs = target.toAbsolutePath().normalize();
        Pattern name = Pattern.compile(Pattern.quote("." + abs.getFileName()) + suffix);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(abs.getParent(),
                p -> name.matcher(p.getFileName().toString()).matches() && Files.isRegularFile(p))) {
            for (Path p : files) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // Only leftovers: the write itself succeeded, and the next one tries again.
        }
    }
}
