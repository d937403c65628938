package dev.wafer.formats.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a Wafer checkpoint lives on disk: a file, or {@code DIR/checkpoint.wafer} for a {@code train --out DIR}
 * directory. What is inside is the domain's business ({@code dev.wafer.domain.session.CheckpointTensors} and
 * {@code RunStateHeaders}).
 */
public final class ModelCheckpoints {
    /** The file a checkpoint directory ({@code train --out DIR}) holds. */
    public static final String FILE_NAME = "checkpoint.wafer";

    private ModelCheckpoints() {
    }

    /** {@code path} itself when it is a file, else {@code path/checkpoint.wafer}. */
    public static Path resolve(Path path) {
        return Files.isDirectory(path) ? path.resolve(FILE_NAME) : path;
    }
}
