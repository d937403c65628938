package dev.wafer.app.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.TokenShardOutput;

/**
 * A dataset directory as the preparation use case's store ({@link DatasetLayout}): token shard files, {@code
 * documents.jsonl}, the audit index file, and shuffle buckets in a hidden {@code .shuffle-tmp} subdirectory.
 */
final class DatasetDirectory implements PreparedDatasetStore {
    private final DatasetLayout layout;

    DatasetDirectory(DatasetLayout layout) {
        this.layout = layout;
    }

    /**
     * Creates the directory and removes the files of a dataset prepared there before, so that no shard of the old
     * one is left behind to be read with the new manifest. Other files are left alone.
     */
    void removePreviousDataset() throws IOException {
        Files.createDirectories(layout.dir());
        try (var files = Files.list(layout.dir())) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.matches("(train|val|test)-\\d{5}\\.bin") || name.equals(DatasetLayout.MANIFEST)
                        || name.equals(DatasetLayout.DOCUMENTS) || name.equals(DatasetLayout.AUDIT_INDEX)) {
                    Files.delete(f);
                }
            }
        }
    }

    @Override
    public ShuffleSpill openShuffleSpill(int buckets, int vocabSize) throws IOException {
        return new ShuffleBucketFiles(layout.dir().resolve(".shuffle-tmp"), buckets, vocabSize);
    }

    @Override
    public TokenShardOutput createShard(String split, int index, int sequenceLength, int vocabSize)
            throws IOException {
        return new TokenShardWriter(layout.shard(Split.ofFileName(split), index), vocabSize, sequenceLength);
    }

    @Override
    public PackedDocumentList openDocumentList() throws IOException {
        return new DocumentListFile(layout.documents());
    }

    @Override
    public void writeAuditIndex(long[] shingles, int[] documentIds, int shingleWords, long documents)
            throws IOException {
        AuditIndexFile.write(layout.auditIndex(), shingles, documentIds, shingleWords, documents);
    }
}
