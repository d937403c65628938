package dev.wafer.ports.data;

/**
 * The documents of one split of a prepared dataset together with the packed sequences the trainer reads: documents
 * joined by end-of-text and cut into rows of {@link #sequenceLength()} tokens. A memorization audit samples these rows,
 * the exact contexts the model was trained on, and names the document each sampled continuation came from.
 */
public interface PackedCorpus extends TokenizedCorpus {

    /** Tokens per packed row. */
    int sequenceLength();

    /** Packed rows of the split. */
    long rows();

    /**
     * Copies the first {@code dest.length} tokens of row {@code row} into {@code dest}.
     *
     * @throws IndexOutOfBoundsException when the row does not exist or {@code dest} is longer than a row
     */
    void readRow(long row, int[] dest);

    /**
     * The index into {@link #documents()} of the document that holds token {@code offset} of row {@code row} (the
     * end-of-text after a document counts as that document's), or -1 when that document is not among
     * {@link #documents()} (for example, filtered out by source).
     */
    int documentAt(long row, int offset);
}
