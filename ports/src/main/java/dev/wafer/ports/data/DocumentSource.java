package dev.wafer.ports.data;

import java.io.IOException;

/**
 * A corpus: streams its documents to a visitor in constant memory, whatever the corpus size.
 */
public interface DocumentSource {

    /** A human-readable name of the input (a path), used in manifests. */
    String name();

    /** Size of the raw input in bytes as stored (compressed size for compressed files), for progress reports. */
    long sizeBytes();

    /**
     * Reads every document and malformed record, in order.
     *
     * @throws UnreadableInputException naming the input and the reason when it cannot be read (permission denied,
     *                                   a read error)
     * @throws IOException                when the input cannot be read at all (missing file, corrupt compression)
     */
    void read(DocumentVisitor visitor) throws IOException;

    /**
     * The SHA-256 of the stored bytes (as stored: compressed files compressed), in lowercase hex, as the last
     * {@link #read} that completed consumed them, so that a manifest ties a dataset to the exact input files; null
     * before such a read, or for a source that does not compute one.
     */
    default String sha256() {
        return null;
    }
}
