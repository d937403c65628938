package dev.wafer.domain.data;

import java.util.Objects;

/**
 * The manifest entry of a document that went into the dataset.
 *
 * @param provenance source, licence, content hash and input location
 * @param tokens     token count (without the end-of-text token that follows it)
 * @param split      the split it belongs to
 * @param shard      index of the shard file of that split holding its first token
 * @param offset     position of its first token inside that shard, in tokens from the start of the payload
 */
public record DocumentRecord(Provenance provenance, int tokens, Split split, int shard, long offset) {
    /** Checks that the provenance and split are present. */
    public DocumentRecord {
        Objects.requireNonNull(provenance, "provenance");
        Objects.requireNonNull(split, "split");
    }
}
