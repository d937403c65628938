package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * One rank's stretch of a split's packed token stream in a multi-rank preparation ({@link RankShare#tokens}): the
 * tokens from a known stream position on, written where a single process's shards hold them. Tokens at or beyond
 * the stream's limit (the incomplete last sequence, which a single process drops) are dropped.
 */
public interface TokenStreamOutput extends AutoCloseable {

    /**
     * Appends {@code length} tokens of {@code tokens} from {@code offset}.
     *
     * @param tokens read during the call only
     */
    void write(int[] tokens, int offset, int length) throws IOException;

    /** Appends one token (the end-of-text after a document). */
    void write(int token) throws IOException;

    /** Makes what was written durable and records it for the assembly. */
    @Override
    void close() throws IOException;
}
