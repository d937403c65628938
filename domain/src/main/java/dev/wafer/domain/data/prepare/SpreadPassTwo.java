package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.Map;

import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.dedup.DedupDecision;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankExchange;
import dev.wafer.ports.data.prepare.RankShare;
import dev.wafer.ports.data.prepare.SortedPairCursor;

/**
 * Pass 2 of a multi-rank preparation on every rank at once: rank {@code r} packs its range of buckets
 * ({@link PackingLayout#ranges}, about equal tokens) into its stretch of the shards and its piece of the document
 * list ({@link RangePackingPass}), and merges one key range of every rank's audit runs into its piece of the audit
 * index ({@link #keyRange}: the 64-bit shingle hashes are uniform, so equal ranges hold about equal pairs); the
 * merge runs on the audit output's thread while the rank packs. Every rank learns whether all succeeded; rank 0 then
 * only puts the pieces together ({@link PreparedDatasetStore#assembleRankShares}).
 */
final class SpreadPassTwo {
    private final PreparationSettings settings;
    private final ShuffleBuckets shuffle;
    private final PackingLayout layout;
    private final RankOffsets offsets;
    private final DedupDecision dedup;
    private final ProgressReporter progress;

    SpreadPassTwo(PreparationSettings settings, ShuffleBuckets shuffle, PackingLayout layout, RankOffsets offsets,
                  DedupDecision dedup, ProgressReporter progress) {
        this.progress = progress;
        this.settings = settings;
        this.shuffle = shuffle;
        this.layout = layout;
        this.offsets = offsets;
        this.dedup = dedup;
    }

    /**
     * Writes this rank's share and waits for every rank's.
     *
     * @throws RankFailedException on every rank when any rank failed (its own failure's message)
     */
    void run(Collective ranks, RankExchange exchange, PreparedDatasetStore store) throws IOException {
        int rank = ranks.rank();
        int n = ranks.size();
        // Failures, then every rank's document piece size and audit pairs, so each knows where its pieces go.
        double[] reduced = new double[3 * n];
        String[] reason = new String[1]; // this rank's own, which it may not have been able to record
        RankShare share = null;
        try {
            share = store.openRankShare(rank);
            long[] sizes = pack(share, rank, n, exchange);
            reduced[n + rank] = sizes[0];
            reduced[2 * n + rank] = sizes[1];
        } catch (IOException | RuntimeException e) {
            reduced[rank] = 1;
            reason[0] = e.getMessage() != null ? e.getMessage() : e.toString();
            exchange.recordFailure(rank, reason[0]);
        }
        ranks.allReduceSum(reduced, 0, reduced.length);
        check(reduced, n, exchange, rank, reason[0]);
        long documentsBefore = 0;
        long pairsBefore = 0;
        long pairs = 0;
        for (int r = 0; r < n; r++) {
            documentsBefore += r < rank ? (long) reduced[n + r] : 0;
            pairsBefore += r < rank ? (long) reduced[2 * n + r] : 0;
            pairs += (long) reduced[2 * n + r];
        }
        double[] failures = new double[n];
        try (RankShare placing = share) {
            placing.place(documentsBefore, pairsBefore, pairs);
        } catch (IOException | RuntimeException e) {
            failures[rank] = 1;
            reason[0] = e.getMessage() != null ? e.getMessage() : e.toString();
            exchange.recordFailure(rank, reason[0]);
        }
        ranks.allReduceSum(failures, 0, n);
        check(failures, n, exchange, rank, reason[0]);
    }

    private static void check(double[] failures, int n, RankExchange exchange, int rank, String own) {
        for (int r = 0; r < n; r++) {
            if (failures[r] != 0) {
                throw new RankFailedException(r, r == rank && own != null ? own
                        : exchange.failure(r).orElse(RankFailedException.UNRECORDED), "packing its share");
            }
        }
    }

    /** Packs this rank's buckets and merges its key range; returns the share's sizes. */
    private long[] pack(RankShare share, int rank, int n, RankExchange exchange) throws IOException {
        int[] firsts = layout.ranges(n);
        long[] range = keyRange(rank, n);
        long trainDocuments = layout.documents(dev.wafer.domain.data.Split.TRAIN);
        Map<String, long[]> kept;
        try (RankBuckets buckets = new RankBuckets(exchange, n, layout.buckets(), settings.tokenizer().vocabSize(),
                offsets)) {
            try (AuditIndexOutput audit = share.auditIndex()) {
                for (int r = 0; r < n; r++) {
                    for (SortedPairCursor run : exchange.auditPairs(r, range[0], range[1])) {
                        audit.addSorted(new OffsetAuditRun(run, offsets, r));
                    }
                }
                audit.finish(MembershipAudit.SHINGLE_WORDS, trainDocuments, dedup.removedAuditIds());
                kept = new RangePackingPass(settings, shuffle, layout, dedup, progress).run(buckets, firsts[rank],
                        firsts[rank + 1], share);
            }
        }
        exchange.writeKeptBySource(rank, kept);
        return share.sizes();
    }

    /** Rank {@code rank}'s range of shingle keys, inclusive: the signed 64-bit keys cut into {@code n} equal parts. */
    static long[] keyRange(int rank, int n) {
        long step = Long.divideUnsigned(-1L, n);
        long from = rank == 0 ? Long.MIN_VALUE : Long.MIN_VALUE + rank * step;
        long to = rank == n - 1 ? Long.MAX_VALUE : Long.MIN_VALUE + (rank + 1) * step - 1;
        return new long[] {from, to};
    }
}
