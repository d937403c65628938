package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.formats.input.FileChecks;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.wafer.formats.data.FingerprintFile;
import dev.wafer.domain.data.WorkFingerprint;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wafer data fingerprint}. */
@Command(name = "fingerprint", mixinStandardHelpOptions = true,
        description = "Make a fingerprint file of a work, for --exclude-work, without shipping the work's text.")
final class DataFingerprintCommand implements Callable<Integer>, BackendAgnostic {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Option(names = "--text", required = true, paramLabel = "FILE", description = "The work, as UTF-8 text.")
    Path text;
    @Option(names = "--out", required = true, paramLabel = "FP", description = "Fingerprint file to write.")
    Path out;
    @Option(names = "--overwrite", description = "Replace an existing --out file.")
    boolean overwrite;

    @Override
    public Integer call() throws IOException {
        checkOut();
        WorkFingerprint fp;
        // Held from the check to the write: a second writer of --out meanwhile is refused, not silently replaced.
        try (var lock = OutputLock.beside("--out", out)) {
            checkOut();
            fp = FingerprintFile.fromText(text);
            try {
                FingerprintFile.write(out, fp);
            } catch (IOException e) {
                throw WriteFailure.of("--out " + out, e);
            }
            StaleTemps.remove(out, StaleTemps.NUMBERED);
        }
        spec.commandLine().getOut().printf(Locale.ROOT, "wrote %s: %d distinct %d-word shingles of %s; documents"
                + " containing %d of them are excluded%n", out, fp.shingles().length, WorkFingerprint.SHINGLE_WORDS,
                fp.name(), fp.requiredMatches());
        return 0;
    }

    /**
     * Refuses an --out that would lose a file (the work itself, or any file without --overwrite) or that cannot
     * be written, before the work is read.
     */
    private void checkOut() throws IOException {
        if (Files.isDirectory(out)) {
            throw new UserError("--out " + out + ": is a directory; give the fingerprint file's path");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserError("--out " + out + ": the folder " + parent + " does not exist");
        }
        FileChecks.checkReplaceable("--out", out);
        if (Files.exists(out)) {
            if (Files.exists(text) && Files.isSameFile(out, text)) {
                throw new UserError("--out " + out + " is the --text file: writing the fingerprint would replace"
                        + " the work's text");
            }
            if (!overwrite) {
                throw new UserError("--out " + out + " already exists; give --overwrite to replace it");
            }
        }
    }
}
