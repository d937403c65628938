package dev.wafer.domain.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * SHA-256 of a document's normalised text (UTF-8). Identifies a document in manifests, decides its split and
 * its shuffle bucket, so identical documents always land together.
 *
 * @param hex the 64 lowercase hex digits
 */
public record ContentHash(String hex) {
    /** Checks that {@code hex} is present and 64 characters long. */
    public ContentHash {
        Objects.requireNonNull(hex, "hex");
        if (hex.length() != 64) {
            throw new IllegalArgumentException("content hash must have 64 hex digits: " + hex);
        }
    }

    /** Hashes normalised text. */
    public static ContentHash of(String normalisedText) {
        return ofUtf8(normalisedText.getBytes(StandardCharsets.UTF_8));
    }

    /** Hashes the UTF-8 bytes of normalised text. */
    public static ContentHash ofUtf8(byte[] utf8) {
        try {
            // MessageDigest is not thread-safe and cheap to create relative to hashing a document.
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return new ContentHash(HexFormat.of().formatHex(sha.digest(utf8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides SHA-256", e);
        }
    }

    /** The first 64 bits as a long: uniformly distributed, used for split and bucket decisions. */
    public long prefix64() {
        return Long.parseUnsignedLong(hex.substring(0, 16), 16);
    }

    @Override
    public String toString() {
        return hex;
    }
}
