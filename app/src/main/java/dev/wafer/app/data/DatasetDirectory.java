package dev.wafer.app.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.TokenShardOutput;

/**
 * A dataset directory as the preparation use case's store ({@link DatasetLayout}): token shard files, {@code
 * documents.jsonl}, the audit index file, and shuffle buckets in a hidden {@code .shuffle-tmp} subdirectory. It
 * records the size and checksum of every file it completes, for the manifest.
 */
final class DatasetDirectory implements PreparedDatasetStore {
    /** Scratch subdirectory of the external shuffle. */
    static final String SHUFFLE_TMP = ".shuffle-tmp";

    private final DatasetLayout layout;
    private final OutputChannels channels;
    private final Map<String, FileCheck> checks = new TreeMap<>();

    DatasetDirectory(DatasetLayout layout, OutputChannels channels) {
        this.layout = layout;
        this.channels = channels;
    }

    /** Size and checksum of each completed file, by file name. */
    Map<String, FileCheck> checks() {
        return Map.copyOf(checks);
    }

    private java.util.function.Consumer<FileCheck> record(Path file) {
        String name = file.getFileName().toString();
        return check -> checks.put(name, check);
    }

    @Override
    public ShuffleSpill openShuffleSpill(int buckets, int vocabSize) throws IOException {
        return new ShuffleBucketFiles(channels, layout.dir().resolve(SHUFFLE_TMP), buckets, vocabSize);
    }

    @Override
    public TokenShardOutput createShard(String split, int index, int sequenceLength, int vocabSize)
            throws IOException {
        Path file = layout.shard(Split.ofFileName(split), index);
        return new TokenShardWriter(channels, file, vocabSize, sequenceLength, record(file));
    }

    @Override
    public PackedDocumentList openDocumentList() throws IOException {
        return new DocumentListFile(channels, layout.documents(), record(layout.documents()));
    }

    @Override
    public void writeAuditIndex(long[] shingles, int[] documentIds, int shingleWords, long documents)
            throws IOException {
        AuditIndexFile.write(channels, layout.auditIndex(), shingles, documentIds, shingleWords, documents,
                record(layout.auditIndex()));
    }
}
