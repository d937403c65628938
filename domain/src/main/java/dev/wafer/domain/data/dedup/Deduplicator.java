package dev.wafer.domain.data.dedup;

import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import dev.wafer.domain.data.ContentHash;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.prepare.DedupRecords;
import dev.wafer.ports.data.prepare.DuplicateList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.SortedPairSpill;

/**
 * Decides which kept documents are duplicates, with memory bounded by one bit per document: pass 1 hands every kept
 * document over in input order ({@link #add}); its keys (the content-hash key, and in near mode its LSH band keys)
 * go to an external sort with the document's ordinal, its record (hash, location, signature) to scratch space.
 * {@link #decide} then
 * <ol>
 *   <li>reads the keys sorted: documents sharing a key form a group, ordinals ascending; each member is paired with
 *       the group's first {@value #PARTNERS} members (linear in the group, yet a member still meets a kept partner
 *       when the group's first was itself removed); the pairs (later, earlier) go to a second external sort;</li>
 *   <li>reads the pairs by later document, then earlier: in this order every earlier document's fate is known, so a
 *       document is removed when it matches (equal hash, or in near mode estimated Jaccard at or above the
 *       threshold) any earlier document that was kept, and it is listed as a duplicate of the earliest such
 *       document. The kept document is thus always the earliest, and the result depends on the input order
 *       only.</li>
 * </ol>
 * Scratch space: 12 bytes per key on disk (21 keys per document in near mode), and one record per document.
 */
public final class Deduplicator implements AutoCloseable {
    /** Earlier members of a key group each member is compared with. */
    static final int PARTNERS = 4;
    private static final int[] NO_SIGNATURE = new int[0];

    private final DedupSettings settings;
    private final LshBands bands = new LshBands();
    private final SortedPairSpill keys;
    private final SortedPairSpill pairs;
    private final DedupRecords records;
    private final int[] zeros;
    private long lastOrdinal = -1;

    /**
     * Opens the key and pair sorts and the record scratch space in {@code store}; deduplication must be on.
     *
     * @param hasher the hasher whose signatures {@link #add} receives (checked for its length; null in exact mode)
     */
    public Deduplicator(DedupSettings settings, MinHasher hasher, PreparedDatasetStore store) throws IOException {
        if (!settings.enabled()) {
            throw new IllegalArgumentException("deduplication is off");
        }
        if (settings.mode() == DedupMode.NEAR && (hasher == null || hasher.length() != bands.bands() * DedupSettings.ROWS)) {
            throw new IllegalArgumentException("near deduplication needs a hasher of "
                    + DedupSettings.PERMUTATIONS + " functions");
        }
        this.settings = settings;
        int length = settings.mode() == DedupMode.NEAR ? DedupSettings.PERMUTATIONS : 0;
        this.zeros = new int[length];
        SortedPairSpill k = null;
        SortedPairSpill p = null;
        try {
            k = store.openPairSpill("keys");
            p = store.openPairSpill("pairs");
            this.records = store.openDedupRecords(length);
        } catch (IOException | RuntimeException e) {
            if (k != null) {
                k.close();
            }
            if (p != null) {
                p.close();
            }
            throw e;
        }
        this.keys = k;
        this.pairs = p;
    }

    /**
     * Adds a kept document, in input order.
     *
     * @param ordinal   its input ordinal (fits an int: the removal bitset is indexed by it)
     * @param auditId   its provisional audit id for training documents, else -1
     * @param signature its MinHash signature in near mode (null when it has no words), ignored in exact mode
     * @param split     its split
     * @param tokens    its token count
     */
    public void add(long ordinal, ContentHash hash, String source, String location, int auditId, int[] signature,
                    Split split, int tokens) throws IOException {
        if (ordinal > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("deduplication handles at most " + Integer.MAX_VALUE
                    + " input documents; document " + ordinal + " is beyond");
        }
        if (ordinal <= lastOrdinal) {
            throw new IllegalArgumentException("documents must come in input order: ordinal " + ordinal + " after "
                    + lastOrdinal);
        }
        lastOrdinal = ordinal;
        int id = (int) ordinal;
        keys.add(hash.prefix64(), id);
        int[] stored = NO_SIGNATURE;
        if (settings.mode() == DedupMode.NEAR) {
            stored = signature != null ? signature : zeros;
            if (signature != null) {
                for (long key : bands.keys(signature)) {
                    keys.add(key, id);
                }
            }
        }
        records.put(id, new DedupRecords.Entry(hash.hex(), source, location, auditId, stored, split.fileName(),
                tokens));
    }

    /** Finds the duplicates, lists each in {@code out} in input order, and returns the decision. */
    public DedupDecision decide(DuplicateList out) throws IOException {
        return decide(out, removed -> { });
    }

    /**
     * As {@link #decide(DuplicateList)}, handing each removed document's record to {@code removed} too (in input
     * order), so that the caller can take it out of what it counted.
     */
    public DedupDecision decide(DuplicateList out, java.util.function.Consumer<DedupRecords.Entry> removed)
            throws IOException {
        keys.drain(new GroupPairs());
        Resolution resolution = new Resolution(out, removed);
        pairs.drain(resolution);
        return resolution.decision();
    }

    /** Discards the scratch space. */
    @Override
    public void close() throws IOException {
        try (keys; pairs; records) {
            // closes all three, reporting the first failure
        }
    }

    /** Step 1: pairs each member of a key group with the group's first members. */
    private final class GroupPairs implements SortedPairSpill.PairSink {
        private final int[] first = new int[PARTNERS];
        private long key;
        private int members;

        @Override
        public void pair(long k, int id) throws IOException {
            if (members == 0 || k != key) {
                key = k;
                members = 0;
            }
            for (int j = 0; j < Math.min(members, PARTNERS); j++) {
                if (first[j] != id) {
                    pairs.add(((long) id << 32) | first[j], 0);
                }
            }
            if (members < PARTNERS) {
                first[members] = id;
            }
            members++;
        }

        @Override
        public void end() {
        }
    }

    /** Step 2: decides each later document against its earlier partners, in input order. */
    private final class Resolution implements SortedPairSpill.PairSink {
        private final DuplicateList out;
        private final java.util.function.Consumer<DedupRecords.Entry> onRemoved;
        private final Map<String, Long> bySource = new HashMap<>();
        private long[] removed = new long[16];
        private int[] removedAuditIds = new int[16];
        private int removedTrain;
        private long count;
        private long lastPair = -1;
        private int current = -1;
        private boolean currentRemoved;
        private DedupRecords.Entry currentEntry;

        Resolution(DuplicateList out, java.util.function.Consumer<DedupRecords.Entry> onRemoved) {
            this.out = out;
            this.onRemoved = onRemoved;
        }

        @Override
        public void pair(long key, int ignored) throws IOException {
            if (key == lastPair) {
                return; // the same pair from another shared key
            }
            lastPair = key;
            int later = (int) (key >>> 32);
            int earlier = (int) key;
            if (later != current) {
                current = later;
                currentRemoved = false;
                currentEntry = null;
            }
            if (currentRemoved || isRemoved(earlier)) {
                return;
            }
            if (currentEntry == null) {
                currentEntry = records.get(later);
            }
            DedupRecords.Entry kept = records.get(earlier);
            double similarity = similarity(currentEntry, kept);
            if (similarity < 0) {
                return;
            }
            currentRemoved = true;
            markRemoved(later);
            count++;
            bySource.merge(currentEntry.source(), 1L, Long::sum);
            if (currentEntry.auditId() >= 0) {
                if (removedTrain == removedAuditIds.length) {
                    removedAuditIds = Arrays.copyOf(removedAuditIds, 2 * removedTrain);
                }
                removedAuditIds[removedTrain++] = currentEntry.auditId();
            }
            out.add(currentEntry.location(), kept.location(), similarity);
            onRemoved.accept(currentEntry);
        }

        /** The pair's similarity when it is a duplicate, else -1. */
        private double similarity(DedupRecords.Entry x, DedupRecords.Entry y) {
            if (x.hash().equals(y.hash())) {
                return 1.0;
            }
            if (settings.mode() != DedupMode.NEAR || x.signature() == zeros || y.signature() == zeros
                    || isZero(x.signature()) || isZero(y.signature())) {
                return -1;
            }
            double j = MinHasher.estimatedJaccard(x.signature(), y.signature());
            return j >= settings.threshold() ? j : -1;
        }

        private boolean isRemoved(int ordinal) {
            int word = ordinal >>> 6;
            return word < removed.length && (removed[word] & (1L << ordinal)) != 0;
        }

        private void markRemoved(int ordinal) {
            int word = ordinal >>> 6;
            if (word >= removed.length) {
                removed = Arrays.copyOf(removed, Math.max(word + 1, 2 * removed.length));
            }
            removed[word] |= 1L << ordinal;
        }

        @Override
        public void end() {
        }

        DedupDecision decision() {
            return new DedupDecision(removed, Arrays.copyOf(removedAuditIds, removedTrain), bySource, count);
        }
    }

    private static boolean isZero(int[] signature) {
        for (int v : signature) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }
}
