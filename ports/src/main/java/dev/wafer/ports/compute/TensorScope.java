package dev.wafer.ports.compute;

/**
 * Owns device memory. Every tensor allocated here (and every view of it) becomes invalid when the scope is
 * closed; using one afterwards fails with {@link IllegalStateException}. Scopes make the lifetime of large
 * buffers explicit instead of leaving it to the garbage collector, which knows nothing about device memory.
 */
public interface TensorScope extends AutoCloseable {
    /**
     * Allocates a zero-filled tensor of {@code length} float32 elements.
     *
     * @throws IllegalArgumentException if {@code length} is negative or larger than the backend supports
     * @throws IllegalStateException if the scope is closed
     */
    Tensor allocate(long length);

    /**
     * Allocates a zero-filled tensor of {@code length} elements stored in {@code format}: {@link OperandFormat#FP32}
     * is {@link #allocate(long)}; {@link OperandFormat#BF16} needs {@link Capability#BF16_STORAGE}, whose Javadoc
     * lists the kernels that take such a tensor. The default stores float32 only.
     *
     * @throws MissingCapabilityException if the backend does not store {@code format} (a backend names itself; this
     *                                    default says {@code float32-only backend})
     * @throws IllegalArgumentException as {@link #allocate(long)}
     * @throws IllegalStateException if the scope is closed
     */
    default Tensor allocate(long length, OperandFormat format) {
        if (format == OperandFormat.FP32) {
            return allocate(length);
        }
        throw refusal("float32-only backend", format);
    }

    /**
     * The refusal of a storage format a float32-only backend does not have: a {@link MissingCapabilityException}
     * naming {@code backend} and {@link Capability#BF16_STORAGE} (for {@link OperandFormat#FP16}, which no storage
     * capability covers, the same).
     *
     * @throws NullPointerException naming {@code format} when it is null (a caller's mistake, not a missing capability)
     */
    static MissingCapabilityException refusal(String backend, OperandFormat format) {
        java.util.Objects.requireNonNull(format, "format");
        return new MissingCapabilityException(backend, java.util.EnumSet.of(Capability.BF16_STORAGE),
                format.id() + " tensors");
    }

    /** Frees every tensor of this scope. Idempotent. */
    @Override
    void close();
}
