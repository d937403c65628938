package dev.wafer.ports.data;

/**
 * Receives the documents of a {@link DocumentSource} one at a time, in input order.
 */
public interface DocumentVisitor {

    /** Called for each well-formed document. */
    void document(RawDocument document);

    /**
     * Called for each malformed record instead of dropping it silently. The visitor decides whether to count
     * and skip it or to stop by throwing {@link MalformedInputException}.
     */
    void malformed(MalformedRecord record);
}
