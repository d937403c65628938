package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * An external sort of (64-bit key, 32-bit id) pairs, so that memory does not grow with the number of pairs: the
 * store spills sorted runs to scratch space and merges them. Deduplication uses one to group documents by band key
 * and another to order candidate pairs. Closing discards the scratch space.
 */
public interface SortedPairSpill extends AutoCloseable {

    /** Adds one pair; ids added in ascending order stay ascending within a key after sorting. */
    void add(long key, int id) throws IOException;

    /**
     * Ends the additions and hands every pair to {@code sink} by ascending key (signed order), pairs of equal key in
     * the order they were added; then calls {@link PairSink#end()}.
     */
    void drain(PairSink sink) throws IOException;

    /** Discards every run. */
    @Override
    void close() throws IOException;

    /** Receives sorted pairs. */
    interface PairSink {
        /** One pair, in sorted order. */
        void pair(long key, int id) throws IOException;

        /** No pair follows. */
        void end() throws IOException;
    }
}
