package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * The list of documents deduplication removed ({@code duplicates.jsonl}), in input order of the removed document:
 * each with the location of the kept document it duplicates and their similarity.
 */
public interface DuplicateList extends AutoCloseable {

    /**
     * Appends one removed document.
     *
     * @param location    the removed document's input file and line
     * @param duplicateOf the kept document's input file and line
     * @param similarity  their (estimated) Jaccard similarity, 1.0 for identical normalised text
     */
    void add(String location, String duplicateOf, double similarity) throws IOException;

    /** Completes the list. */
    @Override
    void close() throws IOException;
}
