package dev.wafer.ports.data;

import java.util.List;
import java.util.Objects;

/**
 * Tokenized documents that can be read in pieces, each named by content hash, source and location: the documents of
 * one split of a prepared dataset (read from its shards where they were packed), or texts a user supplies. A
 * memorization audit samples windows from them. Implementations are read-only.
 */
public interface TokenizedCorpus {

    /**
     * A readable document.
     *
     * @param hash     content hash (SHA-256 hex for a prepared dataset)
     * @param source   source name, for results per source
     * @param location where it came from (input file and line, or a file path)
     * @param tokens   tokens that can be read (its end-of-text not counted)
     */
    record Document(String hash, String source, String location, int tokens) {
        /**
         * Checks that the strings are non-null and {@code tokens} is not negative; refuses a negative count with
         * {@link IllegalArgumentException}.
         */
        public Document {
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(location, "location");
            if (tokens < 0) {
                throw new IllegalArgumentException("tokens must be >= 0, found " + tokens);
            }
        }
    }

    /** The documents, in a fixed order (the order a seeded sample is drawn in). */
    List<Document> documents();

    /** Vocabulary size of the tokenizer that produced the ids. */
    int vocabSize();

    /**
     * Copies tokens {@code start .. start + dest.length - 1} of document {@code index} into {@code dest}.
     *
     * @throws IndexOutOfBoundsException when the document or the range does not exist
     */
    void read(int index, int start, int[] dest);
}
