package dev.wafer.formats.data;

import java.io.IOException;
import java.nio.file.Path;

import dev.wafer.ports.data.prepare.AuditRuns;

/**
 * A rank's share of the audit index as sorted run files in its own directory of the exchange ({@link SortedPairRuns},
 * left behind by {@link #finishWriting()}), for rank 0 to merge ({@link RunFileCursor}).
 */
final class RankAuditRunFiles implements AuditRuns {
    private final SortedPairRuns pairs;
    private int lastId = -1;

    /** @param dir the rank's directory for its runs, created with the first run */
    RankAuditRunFiles(Path dir) {
        this(dir, SortedPairRuns.capacityFor(Runtime.getRuntime().maxMemory()));
    }

    /** @param capacity pairs held in memory before a run is spilled (tests force many runs) */
    RankAuditRunFiles(Path dir, int capacity) {
        this.pairs = new SortedPairRuns(OutputChannels.FILES, dir, capacity);
    }

    @Override
    public void add(int documentId, long[] shingles) throws IOException {
        if (documentId <= lastId) {
            throw new IllegalArgumentException("audit ids must increase: " + documentId + " after " + lastId);
        }
        lastId = documentId;
        pairs.addAll(shingles, documentId);
    }

    @Override
    public void finishWriting() throws IOException {
        pairs.persist();
    }
}
