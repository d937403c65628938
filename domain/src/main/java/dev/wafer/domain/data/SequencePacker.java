package dev.wafer.domain.data;

/**
 * Joins documents with the end-of-text token and cuts the stream into fixed-length sequences, as the Cerebras
 * Pile preprocessing does: {@code doc1 EOT doc2 EOT ...}, sequences of exactly {@code length} tokens that may
 * start and end mid-document. The incomplete tail is dropped by {@link #finish()} and its size reported.
 */
public final class SequencePacker {

    /** Receives each completed sequence; the array is reused, so copy what must be kept. */
    public interface Sink {
        /** Takes one completed sequence of exactly {@code length} tokens; the array is reused after this returns. */
        void sequence(int[] tokens);
    }

    private final int[] buffer;
    private final int endOfText;
    private final Sink sink;
    private int filled;
    private long tokensWritten;

    /**
     * A packer that hands each sequence of {@code length} tokens to {@code sink} as soon as it is full.
     *
     * @param length    tokens per sequence
     * @param endOfText id appended after every document
     * @param sink      receives completed sequences
     */
    public SequencePacker(int length, int endOfText, Sink sink) {
        if (length < 1) {
            throw new IllegalArgumentException("sequence length must be at least 1, got " + length);
        }
        this.buffer = new int[length];
        this.endOfText = endOfText;
        this.sink = sink;
    }

    /**
     * Appends one document followed by end-of-text.
     *
     * @return the position of the document's first token in the packed stream (sequence index * length +
     *         offset), so the manifest can point at it
     */
    public long add(int[] tokens) {
        long start = tokensWritten;
        int pos = 0;
        while (pos < tokens.length) {
            int n = Math.min(tokens.length - pos, buffer.length - filled);
            System.arraycopy(tokens, pos, buffer, filled, n);
            filled += n;
            pos += n;
            tokensWritten += n;
            flushIfFull();
        }
        buffer[filled++] = endOfText;
        tokensWritten++;
        flushIfFull();
        return start;
    }

    /** Tokens emitted so far, including any still waiting in the incomplete last sequence. */
    public long tokensWritten() {
        return tokensWritten;
    }

    /** Ends packing; returns how many trailing tokens were dropped because they did not fill a sequence. */
    public int finish() {
        int dropped = filled;
        filled = 0;
        return dropped;
    }

    private void flushIfFull() {
        if (filled == buffer.length) {
            sink.sequence(buffer);
            filled = 0;
        }
    }
}
