package dev.wafer.formats.data;

import java.nio.file.Path;
import java.util.Locale;

import dev.wafer.domain.data.Split;

/** File names inside a prepared dataset directory. */
public final class DatasetLayout {
    /** Everything but the per-document lists: settings, summary, the exclusions' summary, malformed records. */
    public static final String MANIFEST = "manifest.json";
    /** One JSON object per kept document, in packed order per split. */
    public static final String DOCUMENTS = "documents.jsonl";
    /** SHA-256 of {@code manifest.json}, in {@code sha256sum} format, so that a damaged manifest is detected. */
    public static final String MANIFEST_SHA256 = "manifest.json.sha256";
    /** Shingle index of the training split for {@code wafer data audit}. */
    public static final String AUDIT_INDEX = "audit-index.bin";
    /** The documents deduplication removed, each with the kept document it duplicates (when it was on). */
    public static final String DUPLICATES = "duplicates.jsonl";
    /** The documents the rules excluded, each with its rule (when any was). */
    public static final String EXCLUSIONS = "exclusions.jsonl";

    private final Path dir;

    public DatasetLayout(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path manifest() {
        return dir.resolve(MANIFEST);
    }

    public Path manifestSha256() {
        return dir.resolve(MANIFEST_SHA256);
    }

    public Path documents() {
        return dir.resolve(DOCUMENTS);
    }

    public Path duplicates() {
        return dir.resolve(DUPLICATES);
    }

    public Path exclusions() {
        return dir.resolve(EXCLUSIONS);
    }

    public Path auditIndex() {
        return dir.resolve(AUDIT_INDEX);
    }

    /** True for the names of files a prepared dataset consists of (shards, manifest and its checksum, lists). */
    static boolean isDatasetFile(String name) {
        return name.matches("(train|val|test)-\\d{5}\\.bin") || name.equals(MANIFEST) || name.equals(MANIFEST_SHA256)
                || name.equals(DOCUMENTS) || name.equals(AUDIT_INDEX) || name.equals(DUPLICATES)
                || name.equals(EXCLUSIONS);
    }

    /** {@code train-00000.bin} and so on. */
    public Path shard(Split split, int index) {
        return dir.resolve(String.format(Locale.ROOT, "%s-%05d.bin", split.fileName(), index));
    }
}
