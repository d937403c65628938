package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * Reads (64-bit key, 32-bit id) pairs already sorted by key (signed order), ids ascending within a key: a sorted
 * run of the audit index that another process (a rank of a multi-rank preparation) wrote. Closing releases it.
 */
public interface SortedPairCursor extends AutoCloseable {

    /** Pairs it holds in all. */
    long pairs();

    /** Moves to the next pair; false at the end. */
    boolean next() throws IOException;

    /** The current pair's key. */
    long key();

    /** The current pair's id. */
    int id();

    @Override
    void close() throws IOException;
}
