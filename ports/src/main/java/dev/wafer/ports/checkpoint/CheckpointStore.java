package dev.wafer.ports.checkpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * Saves and opens checkpoints.
 *
 * <p>{@link #save} is atomic: either the complete new checkpoint is at {@code file} afterwards, or whatever was
 * there before is still there untouched (a crash, a full disk or a failing tensor source never leaves a half-written
 * checkpoint under the final name).
 */
public interface CheckpointStore {
    /**
     * Writes a checkpoint to {@code file}, replacing any existing file atomically.
     *
     * @param tensors tensors in the order to store them; names must be unique
     * @throws CheckpointException {@link CheckpointException.Problem#IO} when writing fails
     * @throws IllegalArgumentException before anything is written, for a tensor name given twice or a header value
     *                                  that {@link #open} would refuse (such as a number that is not finite)
     */
    void save(Path file, CheckpointHeader header, List<? extends TensorSource> tensors);

    /**
     * Opens and fully verifies a checkpoint (magic, version, header, sizes, every checksum) before returning.
     *
     * @throws CheckpointException naming the file and the problem
     */
    CheckpointReader open(Path file);

    /**
     * Reads and verifies a checkpoint's header alone (whatever of it the format checksums), reading no tensor data:
     * for a question the header answers, such as what a run trained on, on a checkpoint of any size. A file whose
     * tensors are damaged or cut short still yields its header; one whose header is damaged is refused.
     *
     * <p>The default opens the whole checkpoint with {@link #open}, which is right for a store that holds no files.
     *
     * @throws CheckpointException naming the file and the problem with its header
     */
    default CheckpointHeader readHeader(Path file) {
        try (CheckpointReader reader = open(file)) {
            return reader.header();
        }
    }
}
