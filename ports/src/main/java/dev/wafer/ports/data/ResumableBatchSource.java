package dev.wafer.ports.data;

import java.util.OptionalLong;

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

    /**
     * The seed that fixes the order this source draws its sequences in, if one seed does. A training session
     * refuses a source whose seed differs from the run's ({@code RunSpec.seed}), which its checkpoint records, so a
     * resumed run cannot silently read other batches than the run it continues. Empty (the default) for a source
     * whose order no seed determines, whose caller then answers for reading the same order on resume.
     */
    default OptionalLong orderSeed() {
        return OptionalLong.empty();
    }
}
