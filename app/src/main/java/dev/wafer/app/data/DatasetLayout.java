package dev.wafer.app.data;

import java.nio.file.Path;
import java.util.Locale;

import dev.wafer.domain.data.Split;

/** File names inside a prepared dataset directory. */
public final class DatasetLayout {
    /** Everything but the per-document list: settings, summary, exclusions, malformed records. */
    public static final String MANIFEST = "manifest.json";
    /** One JSON object per kept document, in packed order per split. */
    public static final String DOCUMENTS = "documents.jsonl";
    /** Shingle index of the training split for {@code wafer data audit}. */
    public static final String AUDIT_INDEX = "audit-index.bin";

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

    public Path documents() {
        return dir.resolve(DOCUMENTS);
    }

    public Path auditIndex() {
        return dir.resolve(AUDIT_INDEX);
    }

    /** {@code train-00000.bin} and so on. */
    public Path shard(Split split, int index) {
        return dir.resolve(String.format(Locale.ROOT, "%s-%05d.bin", split.fileName(), index));
    }
}
