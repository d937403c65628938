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

    /** Frees every tensor of this scope. Idempotent. */
    @Override
    void close();
}
