package dev.wafer.ports.data;

/**
 * A batch source whose position can be saved in a checkpoint and restored, so that a resumed run reads exactly the
 * batches the uninterrupted run would have read (reference-facts 6, pain point 8).
 */
public interface ResumableBatchSource extends TokenBatchSource {
    /** Sequences drawn so far; the value to store in a checkpoint. */
    long position();

    /**
     * Continues from a stored position: the next batch is the one the source would produce after drawing
     * {@code position} sequences from the start.
     *
     * @throws IllegalArgumentException for a negative position
     */
    void seek(long position);
}
