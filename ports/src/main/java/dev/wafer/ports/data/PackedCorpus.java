package dev.wafer.ports.data;

import java.util.ArrayList;
import java.util.List;

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

    /**
     * How many documents {@link #documents()} holds, without building that list (a split of millions of documents
     * need not keep them all to sample from them).
     */
    default int documentCount() {
        return documents().size();
    }

    /**
     * The documents at {@code indices} into {@link #documents()} (ascending and distinct), in that order: what an
     * audit needs of the few documents it sampled. A corpus that does not hold its documents in memory reads only
     * these.
     *
     * @throws IllegalArgumentException when the indices are not ascending and distinct
     * @throws IndexOutOfBoundsException when an index is not a document
     */
    default List<Document> documents(int[] indices) {
        List<Document> all = documents();
        List<Document> out = new ArrayList<>(indices.length);
        for (int i = 0; i < indices.length; i++) {
            if (i > 0 && indices[i] <= indices[i - 1]) {
                throw new IllegalArgumentException("document indices must be ascending and distinct, found "
                        + indices[i] + " after " + indices[i - 1]);
            }
            out.add(all.get(indices[i]));
        }
        return List.copyOf(out);
    }
}
