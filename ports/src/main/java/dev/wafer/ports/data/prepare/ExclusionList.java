package dev.wafer.ports.data.prepare;

import java.io.IOException;

/**
 * The list of documents the rules excluded, in input order, written as they are excluded so that memory does not
 * grow with their number.
 */
public interface ExclusionList extends AutoCloseable {

    /**
     * Appends one excluded document.
     *
     * @param hash     SHA-256 of its normalised text, lowercase hex
     * @param source   its source
     * @param licence  its licence
     * @param location its input file and line
     * @param rule     the rule that excluded it: {@code source}, {@code licence} or {@code work}
     * @param detail   the rule's reason
     */
    void add(String hash, String source, String licence, String location, String rule, String detail)
            throws IOException;

    /** Completes the list. */
    @Override
    void close() throws IOException;
}
