package dev.wafer.examples.embedded;

import java.nio.charset.StandardCharsets;

import dev.wafer.ports.data.TokenSequences;

/**
 * Text as byte tokens (ids 0-255; 256 is end-of-text, so the vocabulary has 257 ids), packed into fixed-length
 * sequences in memory: the {@link TokenSequences} port without files. A real application would map a prepared
 * dataset instead.
 */
public final class InMemorySequences implements TokenSequences {
    /** 256 byte values plus end-of-text. */
    public static final int VOCAB_SIZE = 257;
    /** The end-of-text id, appended after the text. */
    public static final int END_OF_TEXT = 256;
    private final int[] tokens;
    private final int length;

    /**
     * @param text   the corpus, encoded as UTF-8 bytes followed by end-of-text
     * @param length tokens per sequence
     * @throws IllegalArgumentException if the text does not fill two sequences
     */
    public InMemorySequences(String text, int length) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (length < 1 || bytes.length + 1 < 2 * length) {
            throw new IllegalArgumentException("need at least two sequences of " + length + " tokens, the text has "
                    + (bytes.length + 1));
        }
        int count = (bytes.length + 1) / length;
        this.tokens = new int[count * length];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i < bytes.length ? bytes[i] & 0xFF : END_OF_TEXT;
        }
        this.length = length;
    }

    @Override
    public long count() {
        return tokens.length / length;
    }

    @Override
    public int sequenceLength() {
        return length;
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public void read(long index, int[] dest, int offset) {
        if (index < 0 || index >= count()) {
            throw new IndexOutOfBoundsException("sequence " + index + " of " + count());
        }
        System.arraycopy(tokens, Math.toIntExact(index * length), dest, offset, length);
    }

    @Override
    public void close() {
        // Nothing mapped.
    }
}
