package dev.wafer.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks the checkpoint directory before training, so a run never trains fully and then fails at its first save. */
final class TrainOutput {
    private TrainOutput() {
    }

    /** Creates {@code dir} if needed and checks that it is a writable directory. */
    static void prepare(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserError("--out " + dir + " is a file; expected a directory for checkpoints");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError("--out " + dir + ": cannot create the directory: " + e.getMessage());
        }
        if (!Files.isWritable(dir)) {
            throw new UserError("--out " + dir + " is not writable");
        }
    }
}
