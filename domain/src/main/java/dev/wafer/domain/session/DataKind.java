package dev.wafer.domain.session;

import java.util.Locale;

/** What a run trains on; saved with the run so that {@code --resume} reopens the same data. */
public enum DataKind {
    /** A dataset directory from {@code wafer data prepare}. */
    DATASET,
    /** A flat file of little-endian uint16 token ids. */
    TOKENS,
    /** The embedded sample corpus, prepared into the cache on first use. */
    SAMPLE,
    /** Seeded random tokens (for timing). */
    SYNTHETIC;

    /** The lower-case id used in checkpoints. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses an id.
     *
     * @throws IllegalArgumentException naming the known kinds otherwise
     */
    public static DataKind parse(String text) {
        for (DataKind k : values()) {
            if (k.id().equals(text)) {
                return k;
            }
        }
        throw new IllegalArgumentException("data kind must be dataset, tokens, sample or synthetic, found '" + text
                + "'");
    }
}
