package dev.wafer.ports.data.prepare;

import java.io.IOException;
import java.util.List;

/**
 * Scratch space of the external shuffle: pass 1 appends each kept document to its bucket, pass 2 reads one bucket
 * at a time, so memory never holds more than one bucket of the corpus. Closing discards whatever is left.
 */
public interface ShuffleSpill extends AutoCloseable {

    /**
     * Appends a document to a bucket.
     *
     * @param bucket in {@code [0, buckets)}
     */
    void append(int bucket, SpilledDocument document) throws IOException;

    /** Ends pass 1: no more appends follow. */
    void finishWriting() throws IOException;

    /**
     * Reads one bucket in the order its documents were appended, then discards it.
     *
     * @param bucket in {@code [0, buckets)}; a bucket nothing was appended to reads as empty
     */
    List<SpilledDocument> readAndDelete(int bucket) throws IOException;

    /** Discards all buckets and releases the space. */
    @Override
    void close() throws IOException;
}
