package dev.wafer.domain.data;

import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * An in-memory {@link ShingleLookup}: parallel arrays of shingle hashes (sorted ascending, signed order) and
 * ids. Built with {@link Builder}; the same layout is written to audit index files.
 */
public final class ShingleTable implements ShingleLookup {
    private final long[] keys;
    private final int[] ids;

    private ShingleTable(long[] keys, int[] ids) {
        this.keys = keys;
        this.ids = ids;
    }

    /** Wraps arrays that are already sorted by key; used when loading. */
    public static ShingleTable ofSorted(long[] keys, int[] ids) {
        if (keys.length != ids.length) {
            throw new IllegalArgumentException("keys and ids differ in length: " + keys.length + " vs " + ids.length);
        }
        return new ShingleTable(keys, ids);
    }

    /** Number of (shingle, id) entries. */
    public int size() {
        return keys.length;
    }

    /** The sorted keys (not copied; do not modify). */
    public long[] keys() {
        return keys;
    }

    /** The ids aligned with {@link #keys()} (not copied; do not modify). */
    public int[] ids() {
        return ids;
    }

    @Override
    public void forEachId(long shingle, IntConsumer sink) {
        int lo = lowerBound(keys, shingle);
        for (int i = lo; i < keys.length && keys[i] == shingle; i++) {
            sink.accept(ids[i]);
        }
    }

    /** First index whose key is {@code >= key}. */
    static int lowerBound(long[] keys, long key) {
        int lo = 0;
        int hi = keys.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Collects (shingle, id) pairs; ids must be added in non-decreasing order. */
    public static final class Builder {
        private long[] keys = new long[1024];
        private int[] ids = new int[1024];
        private int size;
        private int lastId = Integer.MIN_VALUE;

        /** An empty builder. */
        public Builder() {
        }

        /** Adds one pair. */
        public void add(long shingle, int id) {
            if (id < lastId) {
                throw new IllegalArgumentException("ids must be added in non-decreasing order: " + id + " after " + lastId);
            }
            lastId = id;
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                ids = Arrays.copyOf(ids, size * 2);
            }
            keys[size] = shingle;
            ids[size] = id;
            size++;
        }

        /** Number of pairs added so far (before de-duplication). */
        public int size() {
            return size;
        }

        /**
         * Sorts by shingle (a stable LSD radix sort, so ids stay ascending within a shingle) and removes
         * repeated pairs.
         */
        public ShingleTable build() {
            long[] k = Arrays.copyOf(keys, size);
            int[] v = Arrays.copyOf(ids, size);
            long[] k2 = new long[size];
            int[] v2 = new int[size];
            int[] counts = new int[257];
            for (int shift = 0; shift < 64; shift += 8) {
                Arrays.fill(counts, 0);
                boolean top = shift == 56;
                for (int i = 0; i < size; i++) {
                    counts[digit(k[i], shift, top) + 1]++;
                }
                for (int d = 0; d < 256; d++) {
                    counts[d + 1] += counts[d];
                }
                for (int i = 0; i < size; i++) {
                    int pos = counts[digit(k[i], shift, top)]++;
                    k2[pos] = k[i];
                    v2[pos] = v[i];
                }
                long[] tk = k; k = k2; k2 = tk;
                int[] tv = v; v = v2; v2 = tv;
            }
            int unique = 0;
            for (int i = 0; i < size; i++) {
                if (unique == 0 || k[i] != k[unique - 1] || v[i] != v[unique - 1]) {
                    k[unique] = k[i];
                    v[unique] = v[i];
                    unique++;
                }
            }
            return new ShingleTable(Arrays.copyOf(k, unique), Arrays.copyOf(v, unique));
        }

        /** Byte of the key for this pass; the top byte has its sign bit flipped so the order is signed. */
        private static int digit(long key, int shift, boolean top) {
            int d = (int) (key >>> shift) & 0xFF;
            return top ? d ^ 0x80 : d;
        }
    }
}
