package dev.wafer.ports.data;

import java.util.Objects;

/**
 * One document as a corpus reader found it, before normalisation and rules.
 *
 * @param text     the document text as read (not yet normalised), never null
 * @param source   the source named by the input (e.g. the Pile's {@code pile_set_name}), or null when the input
 *                 names none
 * @param licence  the licence named by the input, or null when unknown
 * @param location where the document was read, e.g. {@code data/x.jsonl.zst:17}; used in manifests and errors
 */
public record RawDocument(String text, String source, String licence, String location) {
    /** Checks that {@code text} and {@code location} are non-null; refuses a null with {@link NullPointerException}. */
    public RawDocument {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(location, "location");
    }
}
