package dev.wafer.ports.data.prepare;

import java.io.IOException;

/** The list of a prepared dataset's kept documents, in packed order, each with where its tokens start. */
public interface PackedDocumentList extends AutoCloseable {

    /** Appends one document. */
    void add(PackedDocument document) throws IOException;

    /** Completes the list. */
    @Override
    void close() throws IOException;
}
