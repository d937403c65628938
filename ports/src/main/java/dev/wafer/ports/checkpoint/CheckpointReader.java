package dev.wafer.ports.checkpoint;

import java.nio.FloatBuffer;
import java.util.List;
import java.util.Optional;

/**
 * An open, already verified checkpoint. Tensor data is read on demand. Close it to release the file.
 */
public interface CheckpointReader extends AutoCloseable {
    /** The header sections as they were saved. */
    CheckpointHeader header();

    /** The format version of the file. */
    int formatVersion();

    /** Every tensor in the file, in the order it was written. */
    List<TensorSpec> tensors();

    /** The tensor with this name, if present. */
    Optional<TensorSpec> find(String name);

    /**
     * Returns the spec of a tensor the caller needs with exactly this shape.
     *
     * @throws CheckpointException {@link CheckpointException.Problem#MISSING_TENSOR} or
     *                             {@link CheckpointException.Problem#SHAPE_MISMATCH}, naming the tensor
     */
    TensorSpec require(String name, int... shape);

    /**
     * Reads a whole tensor into {@code destination}, which must have exactly the tensor's element count remaining.
     *
     * @throws CheckpointException {@link CheckpointException.Problem#MISSING_TENSOR} if absent
     * @throws IllegalArgumentException when {@code destination} has another number of elements remaining (nothing is
     *                                  written to it)
     * @throws IllegalStateException after {@link #close}
     */
    void read(String name, FloatBuffer destination);

    /**
     * Reads a whole tensor into a new array.
     *
     * @throws CheckpointException {@link CheckpointException.Problem#MISSING_TENSOR} if absent
     * @throws IllegalStateException after {@link #close}
     */
    float[] read(String name);

    /**
     * A checksum of every tensor's stored bytes, in file order (for a file, the CRC-32C of its per-tensor CRC-32Cs,
     * known once the file is verified: nothing is read again). Checkpoints holding the same tensors bit for bit have
     * the same checksum; two ranks resuming files of equal headers but other parameters or moments can tell them
     * apart by it.
     *
     * @return the checksum as an unsigned 32-bit value
     */
    long contentChecksum();

    /** Releases the file; the header and tensor list stay readable, tensor data does not. */
    @Override
    void close();
}
