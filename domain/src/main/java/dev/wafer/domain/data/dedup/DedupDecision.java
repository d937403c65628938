package dev.wafer.domain.data.dedup;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which documents deduplication removed: a bit per input ordinal (the only per-document memory, 1/8 byte per
 * document), the removed training documents' provisional audit ids, and the removals per source. Audit ids of the
 * kept training documents are renumbered densely ({@link #auditId}), as the audit index is.
 */
public final class DedupDecision {
    /** Nothing removed. */
    public static final DedupDecision NONE = new DedupDecision(new long[0], new int[0], Map.of(), 0);

    private final long[] removed;
    private final int[] removedAuditIds;
    private final Map<String, Long> bySource;
    private final long count;

    DedupDecision(long[] removed, int[] removedAuditIds, Map<String, Long> bySource, long count) {
        this.removed = removed;
        this.removedAuditIds = removedAuditIds;
        this.bySource = Collections.unmodifiableMap(new TreeMap<>(bySource));
        this.count = count;
    }

    /**
     * The decision as another process learnt it ({@link #removedBits()}, {@link #removedAuditIds()}), for the ranks
     * that pack what rank 0 decided; without the removals per source, which rank 0 alone reports.
     */
    public static DedupDecision of(long[] removedBits, int[] removedAuditIds) {
        long count = 0;
        for (long w : removedBits) {
            count += Long.bitCount(w);
        }
        return new DedupDecision(removedBits.clone(), removedAuditIds.clone(), Map.of(), count);
    }

    /** The removed documents as a bit per input ordinal, 64 to a word, lowest bit first (a copy). */
    public long[] removedBits() {
        return removed.clone();
    }

    /** Whether the document at input ordinal {@code ordinal} was removed. */
    public boolean removed(long ordinal) {
        int word = (int) (ordinal >>> 6);
        return word < removed.length && (removed[word] & (1L << ordinal)) != 0;
    }

    /** The provisional audit ids of removed training documents, ascending (a copy). */
    public int[] removedAuditIds() {
        return removedAuditIds.clone();
    }

    /** A kept training document's final audit id: its provisional id less the removed ids below it. */
    public int auditId(int provisional) {
        if (provisional < 0) {
            return provisional;
        }
        int below = Arrays.binarySearch(removedAuditIds, provisional);
        if (below >= 0) {
            throw new IllegalArgumentException("audit id " + provisional + " belongs to a removed document");
        }
        return provisional - (-below - 1);
    }

    /** Documents removed. */
    public long count() {
        return count;
    }

    /** Documents removed per source, by source name. */
    public Map<String, Long> bySource() {
        return bySource;
    }
}
