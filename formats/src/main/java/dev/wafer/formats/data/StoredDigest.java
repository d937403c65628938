package dev.wafer.formats.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of an input's stored bytes (compressed ones as stored), computed while the input is read, so that a
 * manifest ties the dataset to the exact corpus files without a second pass over them. One per read.
 */
final class StoredDigest {
    private final DigestInputStream stream;

    private StoredDigest(InputStream stored) {
        try {
            this.stream = new DigestInputStream(stored, MessageDigest.getInstance("SHA-256"));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Starts digesting {@code stored}; read the input through {@link #stream()}. */
    static StoredDigest of(InputStream stored) {
        return new StoredDigest(stored);
    }

    /** The stored bytes, digested as they pass. */
    InputStream stream() {
        return stream;
    }

    /**
     * Reads what the reader left of the stored bytes (a decoder may stop before the end) and returns the digest of
     * them all, as lowercase hex. Call after the input was read without error.
     */
    String finish() throws IOException {
        stream.transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(stream.getMessageDigest().digest());
    }
}
