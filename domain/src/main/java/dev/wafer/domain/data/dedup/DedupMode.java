package dev.wafer.domain.data.dedup;

import java.util.Locale;

/** What {@code --dedup} removes. */
public enum DedupMode {
    /** Nothing (the paper's Pile was not deduplicated); the dataset is byte for byte as before. */
    NONE,
    /** Documents whose normalised text equals an earlier document's. */
    EXACT,
    /** Documents whose word shingles overlap an earlier kept document's by the threshold or more (and exact ones). */
    NEAR;

    /** The flag's spelling: {@code none}, {@code exact}, {@code near}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses a flag value.
     *
     * @throws IllegalArgumentException naming the values allowed
     */
    public static DedupMode parse(String value) {
        for (DedupMode m : values()) {
            if (m.flagValue().equals(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("expected none, exact or near, found '" + value + "'");
    }
}
