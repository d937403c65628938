package dev.wafer.domain.session;

import java.util.Objects;

/**
 * Which data a run trains on, as the run state records it: the kind and, for a dataset or token file, its path.
 *
 * @param kind what the data is
 * @param path absolute path of the dataset directory or token file; empty for the sample and synthetic data
 */
public record DataSpec(DataKind kind, String path) {
    /** @throws IllegalArgumentException when a dataset or token file has no path */
    public DataSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        if ((kind == DataKind.DATASET || kind == DataKind.TOKENS) && path.isEmpty()) {
            throw new IllegalArgumentException(kind.id() + " data needs a path");
        }
    }

    /** Data without a path (the sample corpus or synthetic tokens). */
    public static DataSpec of(DataKind kind) {
        return new DataSpec(kind, "");
    }

    /** The same kind of data at another path (a dataset that was moved). */
    public DataSpec at(String newPath) {
        return new DataSpec(kind, newPath);
    }
}
