package dev.wafer.ports.data.prepare;

import java.io.IOException;

/** One token shard being written: fixed-length sequences in order. The shard is complete once closed. */
public interface TokenShardOutput extends AutoCloseable {

    /**
     * Appends one sequence.
     *
     * @param sequence exactly the shard's sequence length of token ids; read during the call only (the caller
     *                 reuses the array)
     */
    void write(int[] sequence) throws IOException;

    /** Completes the shard. */
    @Override
    void close() throws IOException;
}
