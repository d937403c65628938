package dev.wafer.domain.generate;

import java.util.Arrays;

/**
 * Candidate order as primitive longs: a token's key holds its logit (order inverted) in the high 32 bits and its
 * id in the low 32, so ascending keys are descending logits, equal logits by ascending id (the top-k tie rule:
 * exactly k tokens, the lowest ids). Sorting these is the order a comparator on boxed ids gave, without boxing the
 * vocabulary for every token. Holds its buffers and reuses them from token to token (not thread-safe).
 */
final class RankKeys {
    private long[] keys = new long[0];
    private long[] scratch = new long[0];
    private final int[] counts = new int[256];

    /** The ranked keys: the first k after {@link #selectSmallest}, all after {@link #sortAll} (do not modify). */
    long[] keys() {
        return keys;
    }

    /** The key of token {@code id} with logit {@code logit} (not NaN); -0 ranks after +0, as Double.compare has it. */
    static long key(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed int order is the float order
        return ((long) ~ordered << 32) | id;
    }

    /** The token id in a key. */
    static int token(long key) {
        return (int) key;
    }

    /**
     * Ranks every token: an LSD radix sort of the logit halves, 8 bits a pass. It is stable and the keys start in id
     * order, so equal logits stay by id. Arrays.sort allocated about 13 KB a call.
     */
    void sortAll(float[] logits) {
        int n = logits.length;
        ensure(n);
        long[] src = keys;
        long[] dst = scratch;
        for (int i = 0; i < n; i++) {
            src[i] = key(logits[i], i);
        }
        for (int shift = 32; shift < 64; shift += 8) {
            Arrays.fill(counts, 0);
            for (int i = 0; i < n; i++) {
                counts[digit(src[i], shift)]++;
            }
            if (counts[digit(src[0], shift)] == n) {
                continue; // every key has this digit: the pass would only copy
            }
            int start = 0;
            for (int d = 0; d < counts.length; d++) {
                int c = counts[d];
                counts[d] = start;
                start += c;
            }
            for (int i = 0; i < n; i++) {
                dst[counts[digit(src[i], shift)]++] = src[i];
            }
            long[] t = src;
            src = dst;
            dst = t;
        }
        keys = src;
        scratch = dst;
    }

    /** The 8 bits at {@code shift} of the key in signed order (the sign bit flipped makes it unsigned order). */
    private static int digit(long key, int shift) {
        return (int) ((key ^ Long.MIN_VALUE) >>> shift) & 0xff;
    }

    private void ensure(int n) {
        if (keys.length < n) {
            keys = new long[n];
            scratch = new long[n];
        }
    }

    /** Ranks the {@code k} first tokens (0 < k < logits.length) into {@code keys()[0..k)}: a bounded max-heap. */
    void selectSmallest(float[] logits, int k) {
        ensure(logits.length);
        long[] out = keys;
        int size = 0;
        for (int i = 0; i < logits.length; i++) {
            long key = key(logits[i], i);
            if (size < k) {
                int j = size++;
                while (j > 0) {
                    int parent = (j - 1) >>> 1;
                    if (out[parent] >= key) {
                        break;
                    }
                    out[j] = out[parent];
                    j = parent;
                }
                out[j] = key;
            } else if (key < out[0]) {
                siftDown(out, k, key);
            }
        }
        Arrays.sort(out, 0, k);
    }

    /** Replaces the heap's root (its largest key) with {@code key} and restores the heap. */
    private static void siftDown(long[] heap, int size, long key) {
        int j = 0;
        while (true) {
            int child = 2 * j + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= key) {
                break;
            }
            heap[j] = heap[child];
            j = child;
        }
        heap[j] = key;
    }
}
