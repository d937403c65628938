package dev.wafer.domain.data.dedup;

/**
 * LSH banding: a signature cut into {@link DedupSettings#BANDS} bands of {@link DedupSettings#ROWS} rows, each band
 * hashed with its index to one 64-bit key, so two documents are candidates when any band key is equal. The key of
 * equal normalised text is the first 64 bits of the content hash.
 */
public final class LshBands {
    private final int bands;
    private final int rows;

    /** The preparation's banding. */
    public LshBands() {
        this(DedupSettings.BANDS, DedupSettings.ROWS);
    }

    /** A banding of {@code bands} bands of {@code rows} rows each, both at least 1. */
    public LshBands(int bands, int rows) {
        if (bands < 1 || rows < 1) {
            throw new IllegalArgumentException("bands and rows must be at least 1, got " + bands + " x " + rows);
        }
        this.bands = bands;
        this.rows = rows;
    }

    /** Number of keys of a signature. */
    public int bands() {
        return bands;
    }

    /** The band keys of a signature of {@code bands * rows} entries. */
    public long[] keys(int[] signature) {
        if (signature.length != bands * rows) {
            throw new IllegalArgumentException("signature of " + signature.length + " entries, expected "
                    + bands * rows);
        }
        long[] keys = new long[bands];
        for (int band = 0; band < bands; band++) {
            long h = mix(DedupSettings.SEED + band);
            for (int r = 0; r < rows; r++) {
                h = mix(h ^ (signature[band * rows + r] & 0xffffffffL));
            }
            keys[band] = h;
        }
        return keys;
    }

    /** SplitMix64's finaliser: a bijective mix of all 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
