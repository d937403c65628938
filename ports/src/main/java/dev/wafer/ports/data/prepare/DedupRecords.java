package dev.wafer.ports.data.prepare;

import java.io.IOException;
import java.util.Objects;

/**
 * Scratch space of deduplication: one fixed-size record per kept document, written in pass 1 in input order and
 * read back at random for the few documents that are candidates of duplication, so memory holds none of them.
 * Closing discards the space.
 */
public interface DedupRecords extends AutoCloseable {

    /**
     * Stores document {@code id}'s record; ids are the documents' input ordinals, ascending, with gaps where
     * documents were excluded. Every signature must have the length the store was opened with.
     */
    void put(int id, Entry entry) throws IOException;

    /** Reads back document {@code id}'s record. */
    Entry get(int id) throws IOException;

    /** Discards every record. */
    @Override
    void close() throws IOException;

    /**
     * What deduplication needs of one kept document.
     *
     * @param hash      SHA-256 of the normalised text, 64 lowercase hex digits
     * @param source    source name
     * @param location  input file and line, as {@code documents.jsonl} writes it
     * @param auditId   its provisional audit id for training documents, else -1
     * @param signature its MinHash signature (empty in exact mode; not copied)
     * @param split     the split's short name: {@code train}, {@code val} or {@code test}
     * @param tokens    its token count (end-of-text not counted), so that the packed streams can be laid out without
     *                  the documents deduplication removes
     */
    record Entry(String hash, String source, String location, int auditId, int[] signature, String split,
                 int tokens) {
        /**
         * Checks that the strings and {@code signature} are non-null; refuses a null with
         * {@link NullPointerException}.
         */
        public Entry {
            Objects.requireNonNull(split, "split");
            Objects.requireNonNull(hash, "hash");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(signature, "signature");
        }
    }
}
