package dev.wafer.formats.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.wafer.formats.fileio.AtomicFileWriter;
import dev.wafer.formats.fileio.IoReason;
import dev.wafer.ports.checkpoint.CheckpointException;
import dev.wafer.ports.checkpoint.CheckpointException.Problem;
import dev.wafer.ports.checkpoint.CheckpointHeader;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.CheckpointStore;
import dev.wafer.ports.checkpoint.TensorSource;

/** Stores checkpoints as single local files in Wafer's checkpoint format, replaced atomically. */
public final class FileCheckpointStore implements CheckpointStore {
    @Override
    public void save(Path file, CheckpointHeader header, List<? extends TensorSource> tensors) {
        CheckpointFileWriter writer = new CheckpointFileWriter(header, List.copyOf(tensors));
        boolean previous = Files.exists(file);
        try {
            AtomicFileWriter.write(file, writer::writeTo);
        } catch (IOException e) {
            // The first save has no previous file to keep: saying one was kept would promise a checkpoint.
            throw new CheckpointException(Problem.IO, file, (previous ? "write failed, previous file left unchanged: "
                    : "write failed, no checkpoint was saved (there was none before at this path): ")
                    + IoReason.of(e), e);
        }
    }

    @Override
    public CheckpointReader open(Path file) {
        return VerifiedCheckpointReader.open(file);
    }

    @Override
    public CheckpointHeader readHeader(Path file) {
        return VerifiedCheckpointReader.readHeader(file);
    }
}
