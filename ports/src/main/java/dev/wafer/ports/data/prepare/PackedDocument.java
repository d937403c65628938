package dev.wafer.ports.data.prepare;

import java.util.Objects;

/**
 * A kept document and where its first token lies in the packed shards of its split.
 *
 * @param hash     SHA-256 of the normalised text, 64 lowercase hex digits
 * @param source   source name
 * @param licence  licence identifier
 * @param location input file and line
 * @param tokens   the document's token count (its end-of-text not counted)
 * @param split    the split's short name: {@code train}, {@code val} or {@code test}
 * @param shard    shard number within the split
 * @param offset   token offset of the first token within that shard
 * @param auditId  id in the membership-audit index for training documents, else -1
 */
public record PackedDocument(String hash, String source, String licence, String location, int tokens, String split,
                             int shard, long offset, int auditId) {
    /** Checks that the strings are non-null; refuses a null with {@link NullPointerException}. */
    public PackedDocument {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(licence, "licence");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(split, "split");
    }
}
