package dev.wafer.domain.data.prepare;

import java.util.Arrays;

/**
 * Where each rank's rank-local numbers land in the single-process numbering: a rank numbers the documents it reads
 * (and, separately, its training documents' audit ids) 0, 1, 2, ... across its inputs in its own order; the inputs
 * of one rank are not contiguous in the whole input, so the map is one offset per input. Rank 0 learns each input's
 * counts as it consumes the ranks' results in input order ({@link PassOneReplay}) and broadcasts them; every rank
 * derives the offsets ({@link #of}) and applies them to the documents it packs from the ranks' shuffle buckets
 * ({@link RankBuckets}) and the audit runs it merges ({@link OffsetAuditRun}), so the shuffle's tie-break and the
 * audit ids are the ones a single process gives.
 */
final class RankOffsets {
    private final Segments[] ordinals;
    private final Segments[] auditIds;

    RankOffsets(int ranks) {
        ordinals = new Segments[ranks];
        auditIds = new Segments[ranks];
        for (int r = 0; r < ranks; r++) {
            ordinals[r] = new Segments();
            auditIds[r] = new Segments();
        }
    }

    /**
     * The offsets of every rank, from each input's documents and training documents ({@link PassOneReplay} learns them
     * on rank 0), so that every rank can renumber the documents it packs.
     *
     * @param counts each input's documents and training documents, at {@code 2 * input} and the next
     */
    static RankOffsets of(InputAssignment assignment, long[] counts) {
        RankOffsets offsets = new RankOffsets(assignment.ranks());
        long[] local = new long[assignment.ranks()];
        long[] localTrain = new long[assignment.ranks()];
        long ordinal = 0;
        long train = 0;
        for (int input = 0; input < counts.length / 2; input++) {
            int rank = assignment.rankOf(input);
            offsets.startInput(rank, local[rank], ordinal, localTrain[rank], train);
            local[rank] += counts[2 * input];
            localTrain[rank] += counts[2 * input + 1];
            ordinal += counts[2 * input];
            train += counts[2 * input + 1];
        }
        return offsets;
    }

    /**
     * Records that rank {@code rank}'s next input starts at these numbers; call in each rank's order of inputs.
     *
     * @param localOrdinal  the rank's count of documents before the input
     * @param globalOrdinal the whole input's count of documents before it
     * @param localAudit    the rank's count of training documents before it
     * @param globalAudit   the whole input's count of training documents before it
     */
    void startInput(int rank, long localOrdinal, long globalOrdinal, long localAudit, long globalAudit) {
        ordinals[rank].add(localOrdinal, globalOrdinal);
        auditIds[rank].add(localAudit, globalAudit);
    }

    long ordinal(int rank, long local) {
        return ordinals[rank].map(local);
    }

    /** @return the global audit id, or -1 for -1 (not a training document) */
    int auditId(int rank, int local) {
        return local < 0 ? -1 : Math.toIntExact(auditIds[rank].map(local));
    }

    /** Start points in ascending local order; a number maps through the last segment starting at or below it. */
    private static final class Segments {
        private long[] local = new long[8];
        private long[] global = new long[8];
        private int size;

        void add(long localStart, long globalStart) {
            if (size > 0 && localStart < local[size - 1]) {
                throw new IllegalStateException("rank-local numbers must not decrease: " + localStart + " after "
                        + local[size - 1]);
            }
            if (size == local.length) {
                local = Arrays.copyOf(local, 2 * size);
                global = Arrays.copyOf(global, 2 * size);
            }
            local[size] = localStart;
            global[size++] = globalStart;
        }

        long map(long n) {
            int lo = 0;
            int hi = size;
            // The greatest index whose start is <= n: empty inputs share a start with the next one.
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (local[mid] <= n) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            if (lo == 0) {
                throw new IllegalStateException("rank-local number " + n + " precedes every input of the rank");
            }
            return global[lo - 1] + (n - local[lo - 1]);
        }
    }
}
