package dev.wafer.domain.session;

import java.util.Objects;

/**
 * Which data a run trains on, as the run state records it: the kind, for a dataset or token file its path, and a
 * fingerprint of its content so that a resume on different data is refused while a moved copy is accepted.
 *
 * @param kind        what the data is
 * @param path        absolute path of the dataset directory or token file; empty for the sample and synthetic data
 * @param fingerprint identifies the content (for example a digest of a dataset's manifest); empty when unknown
 */
public record DataSpec(DataKind kind, String path, String fingerprint) {
    /**
     * Rejects null components and a dataset or token file without a path.
     *
     * @throws IllegalArgumentException when a dataset or token file has no path
     */
    public DataSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if ((kind == DataKind.DATASET || kind == DataKind.TOKENS) && path.isEmpty()) {
            throw new IllegalArgumentException(kind.id() + " data needs a path");
        }
    }

    /** Data without a path or fingerprint (synthetic tokens, determined by the vocabulary and seed). */
    public static DataSpec of(DataKind kind) {
        return new DataSpec(kind, "", "");
    }

    /** The same data found at another path (a moved copy). */
    public DataSpec at(String newPath) {
        return new DataSpec(kind, newPath, fingerprint);
    }

    /** The same data with its content fingerprint. */
    public DataSpec withFingerprint(String newFingerprint) {
        return new DataSpec(kind, path, newFingerprint);
    }

    /**
     * Whether data with fingerprint {@code other} may stand in for this data: equal fingerprints, or this one
     * unknown (a checkpoint written before fingerprints existed).
     */
    public boolean accepts(String other) {
        return fingerprint.isEmpty() || fingerprint.equals(other);
    }
}
