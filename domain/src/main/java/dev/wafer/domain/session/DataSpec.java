package dev.wafer.domain.session;

import java.util.Objects;

/**
 * Which data a run trains on, as the run state records it: the kind, for a dataset or token file its path, and a
 * fingerprint of its content so that a resume on different data is refused while a moved copy is accepted.
 *
 * @param kind        what the data is
 * @param path        absolute path of the dataset directory or token file; empty for the sample and synthetic data;
 *                    without a NUL character, which no file system holds
 * @param fingerprint identifies the content (for example a digest of a dataset's manifest); empty when unknown
 * @param tokenizer       the tokenizer the data was prepared with, recorded so that a checkpoint alone says how its
 *                        ids read as text; empty when unknown
 * @param tokenizerSha256 the SHA-256 of that tokenizer's {@code tokenizer.json}; empty for a built-in one
 */
public record DataSpec(DataKind kind, String path, String fingerprint, String tokenizer, String tokenizerSha256) {
    /**
     * Rejects null components, a dataset or token file without a path and a path holding a NUL character.
     *
     * @throws IllegalArgumentException when a dataset or token file has no path, or the path holds a NUL
     */
    public DataSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(tokenizerSha256, "tokenizerSha256");
        if ((kind == DataKind.DATASET || kind == DataKind.TOKENS) && path.isEmpty()) {
            throw new IllegalArgumentException(kind.id() + " data needs a path");
        }
        // A checkpoint that recorded such a path would be refused on open: refused here, before any run.
        if (path.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException(kind.id() + " data path holds a NUL character (\\u0000), which no file system holds: "
                    + path.replace("\u0000", "\\u0000"));
        }
    }

    /**
     * Data whose tokenizer is not recorded.
     *
     * @throws IllegalArgumentException when a dataset or token file has no path
     */
    public DataSpec(DataKind kind, String path, String fingerprint) {
        this(kind, path, fingerprint, "", "");
    }

    /** Data without a path or fingerprint (synthetic tokens, determined by the vocabulary and seed). */
    public static DataSpec of(DataKind kind) {
        return new DataSpec(kind, "", "");
    }

    /** The same data found at another path (a moved copy). */
    public DataSpec at(String newPath) {
        return new DataSpec(kind, newPath, fingerprint, tokenizer, tokenizerSha256);
    }

    /** The same data with its content fingerprint. */
    public DataSpec withFingerprint(String newFingerprint) {
        return new DataSpec(kind, path, newFingerprint, tokenizer, tokenizerSha256);
    }

    /** The same data with the tokenizer it was prepared with ({@code sha256} empty for a built-in one). */
    public DataSpec withTokenizer(String name, String sha256) {
        return new DataSpec(kind, path, fingerprint, name, sha256);
    }
}
