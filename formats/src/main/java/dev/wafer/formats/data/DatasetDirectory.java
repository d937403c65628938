package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.DedupRecords;
import dev.wafer.ports.data.prepare.DuplicateList;
import dev.wafer.ports.data.prepare.ExclusionList;
import dev.wafer.ports.data.prepare.SortedPairSpill;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.RankShare;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.TokenShardOutput;

/**
 * A dataset directory as the preparation use case's store ({@link DatasetLayout}): token shard files, {@code
 * documents.jsonl}, the audit index file, shuffle buckets in a hidden {@code .shuffle-tmp} subdirectory and the
 * audit index's sorted runs in {@code .audit-index-tmp} ({@link AuditIndexRuns}), deduplication's in {@code
 * .dedup-*-tmp}. It records the size and checksum of every file it completes, for the manifest.
 */
final class DatasetDirectory implements PreparedDatasetStore {
    /** Scratch subdirectory of the external shuffle. */
    static final String SHUFFLE_TMP = ".shuffle-tmp";
    /** Scratch subdirectory of the audit index's sorted runs. */
    static final String AUDIT_INDEX_TMP = ".audit-index-tmp";
    /** Scratch subdirectories of deduplication's sorts and records: {@code .dedup-NAME-tmp}. */
    static final String DEDUP_TMP = ".dedup-%s-tmp";

    private final DatasetLayout layout;
    private final OutputChannels channels;
    /** Written by the audit index's background thread too. */
    private final Map<String, FileCheck> checks = Collections.synchronizedMap(new TreeMap<>());

    DatasetDirectory(DatasetLayout layout, OutputChannels channels) {
        this.layout = layout;
        this.channels = channels;
    }

    /** Size and checksum of each completed file, by file name. */
    Map<String, FileCheck> checks() {
        synchronized (checks) {
            return Map.copyOf(checks);
        }
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
    public AuditIndexOutput openAuditIndex() {
        return new AuditIndexRuns(channels, layout.auditIndex(), layout.dir().resolve(AUDIT_INDEX_TMP),
                AuditIndexRuns.capacityFor(Runtime.getRuntime().maxMemory()), record(layout.auditIndex()));
    }

    @Override
    public SortedPairSpill openPairSpill(String name) {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("pair spill name '" + name + "': lower-case letters, digits, '-'");
        }
        // Two sorts may hold buffers at once (keys drained into pairs): each gets half the audit index's share.
        return new SortedPairRuns(channels, layout.dir().resolve(DEDUP_TMP.formatted(name)),
                Math.max(1 << 12, SortedPairRuns.capacityFor(Runtime.getRuntime().maxMemory()) / 2));
    }

    @Override
    public DedupRecords openDedupRecords(int signatureLength) throws IOException {
        return new DedupRecordFiles(layout.dir().resolve(DEDUP_TMP.formatted("records")), signatureLength);
    }

    /** Rank {@code rank}'s directory of pieces in a multi-rank pass 2, inside the ranks' exchange directory. */
    private Path share(int rank) {
        return layout.dir().resolve(DatasetPreparer.RANKS_TMP).resolve("rank-" + rank + ".share");
    }

    @Override
    public RankShare openRankShare(int rank) throws IOException {
        return new RankShareFiles(layout, share(rank), channels);
    }

    @Override
    public void assembleRankShares(int ranks, int sequenceLength, int vocabSize, int shingleWords,
                                   long auditDocuments) throws IOException {
        List<Path> shares = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            shares.add(share(r));
        }
        new RankShareAssembly(layout, checks::put).assemble(shares, sequenceLength, vocabSize, shingleWords,
                auditDocuments);
    }

    @Override
    public ExclusionList openExclusionList() {
        return new ExclusionListFile(channels, layout.exclusions(), record(layout.exclusions()));
    }

    @Override
    public DuplicateList openDuplicateList() throws IOException {
        return new DuplicateListFile(channels, layout.duplicates(), record(layout.duplicates()));
    }
}
