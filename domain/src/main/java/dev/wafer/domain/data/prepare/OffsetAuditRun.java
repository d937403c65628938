package dev.wafer.domain.data.prepare;

import java.io.IOException;

import dev.wafer.ports.data.prepare.SortedPairCursor;

/**
 * A rank's sorted audit run with its rank-local ids renumbered as a single process numbers them
 * ({@link RankOffsets}); the renumbering keeps a rank's ids in order, so the run stays sorted by key and then id.
 */
final class OffsetAuditRun implements SortedPairCursor {
    private final SortedPairCursor run;
    private final RankOffsets offsets;
    private final int rank;

    OffsetAuditRun(SortedPairCursor run, RankOffsets offsets, int rank) {
        this.run = run;
        this.offsets = offsets;
        this.rank = rank;
    }

    @Override
    public long pairs() {
        return run.pairs();
    }

    @Override
    public boolean next() throws IOException {
        return run.next();
    }

    @Override
    public long key() {
        return run.key();
    }

    @Override
    public int id() {
        return offsets.auditId(rank, run.id());
    }

    @Override
    public void close() throws IOException {
        run.close();
    }
}
