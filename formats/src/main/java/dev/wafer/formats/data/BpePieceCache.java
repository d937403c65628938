package dev.wafer.formats.data;

import java.util.function.Function;

/**
 * A direct-mapped cache from a pre-tokenised piece (up to {@link #MAX_PIECE} characters) to its BPE ids, for one
 * thread. Text repeats its pieces (words, indentation, operators), so most are encoded once; a miss encodes the
 * piece and replaces whatever shared its slot. Looking up compares characters in place, so a hit allocates nothing.
 */
final class BpePieceCache {
    /** Longer pieces are encoded directly. */
    static final int MAX_PIECE = 48;
    private static final int MIN_SLOT_BITS = 12;
    private static final int MAX_SLOT_BITS = 18;

    private final Function<String, int[]> encoder;
    private final int shift;
    private final String[] keys;
    private final int[][] values;

    /**
     * @param encoder BPE of one whole piece
     * @param slots   cache entries, a power of two (see {@link #slotsFor})
     */
    BpePieceCache(Function<String, int[]> encoder, int slots) {
        if (Integer.bitCount(slots) != 1) {
            throw new IllegalArgumentException("cache slots must be a power of two, got " + slots);
        }
        this.encoder = encoder;
        this.shift = 32 - Integer.numberOfTrailingZeros(slots);
        this.keys = new String[slots];
        this.values = new int[slots][];
    }

    /**
     * Slots for one thread's cache under a heap of {@code maxHeap} bytes: a full entry (piece, ids, references)
     * takes about 100 bytes, so the cache stays under about a twentieth of the heap; 2^12 to 2^18 slots.
     */
    static int slotsFor(long maxHeap) {
        long slots = Long.highestOneBit(Math.max(1, maxHeap / 2048));
        return 1 << Math.clamp(Long.numberOfTrailingZeros(slots), MIN_SLOT_BITS, MAX_SLOT_BITS);
    }

    /** The ids of {@code text[from, to)}, which is one piece; the array is shared, do not modify it. */
    int[] ids(String text, int from, int to) {
        int len = to - from;
        if (len > MAX_PIECE) {
            return encoder.apply(text.substring(from, to));
        }
        int h = len;
        for (int i = from; i < to; i++) {
            h = 31 * h + text.charAt(i);
        }
        h ^= h >>> 16;
        int slot = (h * 0x9E3779B1) >>> shift;
        String key = keys[slot];
        if (key != null && key.length() == len && same(text, from, key, len)) {
            return values[slot];
        }
        String piece = text.substring(from, to);
        int[] ids = encoder.apply(piece);
        keys[slot] = piece;
        values[slot] = ids;
        return ids;
    }

    /** A plain loop: pieces are short, so this beats {@link String#regionMatches}'s set-up. */
    private static boolean same(String text, int from, String key, int len) {
        for (int i = 0; i < len; i++) {
            if (text.charAt(from + i) != key.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
