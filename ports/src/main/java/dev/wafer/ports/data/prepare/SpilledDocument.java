package dev.wafer.ports.data.prepare;

import java.util.Objects;

/**
 * A kept, tokenised document as it waits in a shuffle bucket between the two passes of preparation.
 *
 * @param ordinal  position in the input, from 0
 * @param hash     SHA-256 of the normalised text, 64 lowercase hex digits
 * @param source   source name
 * @param licence  licence identifier
 * @param location input file and line
 * @param split    the split's short name: {@code train}, {@code val} or {@code test}
 * @param auditId  id in the membership-audit index for training documents, else -1
 * @param tokens   token ids (the array is not copied)
 */
public record SpilledDocument(long ordinal, String hash, String source, String licence, String location, String split,
                              int auditId, int[] tokens) {
    /** Checks that the strings and {@code tokens} are non-null; refuses a null with {@link NullPointerException}. */
    public SpilledDocument {
        Objects.requireNonNull(hash, "hash");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(licence, "licence");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(tokens, "tokens");
    }
}
