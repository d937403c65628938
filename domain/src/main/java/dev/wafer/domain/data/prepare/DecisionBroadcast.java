package dev.wafer.domain.data.prepare;

import dev.wafer.domain.data.dedup.DedupDecision;
import dev.wafer.ports.collective.Collective;

/**
 * Rank 0's deduplication decision to every rank, for packing: the documents and tokens per bucket and split
 * without the removed documents, which documents were removed (a bit per input ordinal) and the removed training
 * documents' audit ids. The collective moves doubles, which hold integers below 2^53 exactly: counts and ids as they
 * are, the 64-bit words of the removal bits as two 32-bit halves.
 */
final class DecisionBroadcast {
    private DecisionBroadcast() {
    }

    /**
     * @param decision on rank 0, what it decided; ignored elsewhere
     * @param counts   per bucket and split ({@link PackingLayout}); rank 0's (without removed documents) replace the
     *                 others' in place
     * @param words    the decision's words of removal bits, as rank 0 broadcast it
     * @param auditIds the decision's removed audit ids, as rank 0 broadcast it
     * @return the decision on every rank
     */
    static DedupDecision share(Collective ranks, DedupDecision decision, long[] counts, int words, int auditIds) {
        double[] values = new double[counts.length + 2 * words + auditIds];
        boolean root = ranks.rank() == 0;
        if (root) {
            long[] bits = decision.removedBits();
            int[] ids = decision.removedAuditIds();
            for (int i = 0; i < counts.length; i++) {
                values[i] = counts[i];
            }
            for (int i = 0; i < words; i++) {
                values[counts.length + 2 * i] = bits[i] >>> 32;
                values[counts.length + 2 * i + 1] = bits[i] & 0xFFFF_FFFFL;
            }
            for (int i = 0; i < auditIds; i++) {
                values[counts.length + 2 * words + i] = ids[i];
            }
        }
        ranks.broadcast(values, 0, values.length, 0);
        if (root) {
            return decision;
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (long) values[i];
        }
        long[] bits = new long[words];
        for (int i = 0; i < words; i++) {
            bits[i] = ((long) values[counts.length + 2 * i] << 32) | (long) values[counts.length + 2 * i + 1];
        }
        int[] ids = new int[auditIds];
        for (int i = 0; i < auditIds; i++) {
            ids[i] = (int) values[counts.length + 2 * words + i];
        }
        return DedupDecision.of(bits, ids);
    }
}
