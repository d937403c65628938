package dev.wafer.ports.data;

/**
 * Packed fixed-length token sequences, addressable by index: the training data of a prepared dataset split.
 * Implementations are read-only and safe to read from several threads.
 */
public interface TokenSequences extends AutoCloseable {

    /** Number of sequences. */
    long count();

    /** Tokens per sequence. */
    int sequenceLength();

    /** Vocabulary size of the tokenizer that produced the ids. */
    int vocabSize();

    /**
     * Copies one sequence into {@code dest[offset .. offset + sequenceLength())}.
     *
     * @throws IndexOutOfBoundsException if {@code index} is not in {@code [0, count())}
     */
    void read(long index, int[] dest, int offset);

    /** Releases mapped files. */
    @Override
    void close();
}
