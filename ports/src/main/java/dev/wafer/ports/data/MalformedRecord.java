package dev.wafer.ports.data;

import java.util.Objects;

/**
 * An input record that could not be turned into a document: bad JSON, a missing {@code text} field, invalid
 * UTF-8 or an empty document.
 *
 * @param location file and line, e.g. {@code corpus.jsonl:42}
 * @param reason   what was wrong, in a few words
 */
public record MalformedRecord(String location, String reason) {
    /**
     * Checks that {@code location} and {@code reason} are non-null; refuses a null with
     * {@link NullPointerException}.
     */
    public MalformedRecord {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return location + ": " + reason;
    }
}
