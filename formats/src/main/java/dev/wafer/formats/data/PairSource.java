package dev.wafer.formats.data;

import java.io.IOException;

/** Sorted (shingle key, document id) pairs read one at a time. */
interface PairSource extends AutoCloseable {
    /** Moves to the next pair; false at the end. */
    boolean next() throws IOException;

    long key();

    int id();

    @Override
    void close() throws IOException;
}
