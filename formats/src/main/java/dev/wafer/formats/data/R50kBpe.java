package dev.wafer.formats.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import com.knuddels.jtokkit.Encodings;

/**
 * GPT-2's byte-level BPE of one pre-tokenised piece, with jtokkit's r50k ranks (read from jtokkit's own resource)
 * and tiktoken's rule: a piece that is a token is that token; otherwise start from its bytes and repeatedly merge
 * the adjacent pair whose concatenation has the lowest rank, leftmost first. Pairs are looked up in an
 * open-addressing table of (left id, right id) to merged id (about 108,000 pairs), so a merge step costs no hashing
 * of byte arrays; the tables take about 5 MB.
 * Thread-safe once built (read-only tables).
 */
final class R50kBpe {
    private static final String RANKS = "/com/knuddels/jtokkit/r50k_base.tiktoken";
    private static final int NONE = -1;

    private final int[] byteToken = new int[256];
    /** Each token's bytes, by id (= rank). */
    private final byte[][] tokenBytes;
    /** Open addressing over token bytes: slot to id, or NONE. */
    private final int[] tokenSlots;
    private final int tokenMask;
    private final long[] pairKeys;
    private final int[] pairValues;
    private final int pairMask;

    R50kBpe() {
        byte[][] bytesById = new byte[1 << 16][];
        int count = 0;
        try (InputStream raw = Encodings.class.getResourceAsStream(RANKS)) {
            if (raw == null) {
                throw new IllegalStateException("jtokkit's " + RANKS + " is missing from the class path");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.US_ASCII));
            Base64.Decoder base64 = Base64.getDecoder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    int rank = Integer.parseInt(line.substring(space + 1));
                    if (rank < 0 || rank >= bytesById.length || bytesById[rank] != null) {
                        throw new IllegalStateException(RANKS + ": rank " + rank + " is out of range or repeated");
                    }
                    bytesById[rank] = base64.decode(line.substring(0, space));
                    count = Math.max(count, rank + 1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RANKS, e);
        }
        tokenBytes = Arrays.copyOf(bytesById, count);
        tokenSlots = new int[Integer.highestOneBit(count) * 4];
        tokenMask = tokenSlots.length - 1;
        Arrays.fill(tokenSlots, NONE);
        Arrays.fill(byteToken, NONE);
        for (int id = 0; id < count; id++) {
            byte[] t = tokenBytes[id];
            if (t == null) {
                continue;
            }
            int slot = hash(t, 0, t.length) & tokenMask;
            while (tokenSlots[slot] != NONE) {
                slot = (slot + 1) & tokenMask;
            }
            tokenSlots[slot] = id;
            if (t.length == 1) {
                byteToken[t[0] & 0xFF] = id;
            }
        }
        // Every way of cutting a token into two tokens is a pair that merges into it: count, then insert.
        long[] keys = new long[0];
        int[] values = new int[0];
        for (int pass = 0, pairs = 0; pass < 2; pass++) {
            for (int id = 0; id < count; id++) {
                byte[] t = tokenBytes[id];
                for (int k = 1; t != null && k < t.length; k++) {
                    int left = lookup(t, 0, k);
                    int right = left == NONE ? NONE : lookup(t, k, t.length);
                    if (right == NONE) {
                        continue;
                    }
                    if (pass == 0) {
                        pairs++;
                    } else {
                        insertPair(keys, values, pairKey(left, right), id);
                    }
                }
            }
            if (pass == 0) {
                keys = new long[Integer.highestOneBit(Math.max(8, pairs)) * 4];
                values = new int[keys.length];
                Arrays.fill(values, NONE);
            }
        }
        pairKeys = keys;
        pairValues = values;
        pairMask = keys.length - 1;
    }

    /** The id of the token {@code bytes[from, to)}, or NONE. */
    private int lookup(byte[] bytes, int from, int to) {
        int slot = hash(bytes, from, to) & tokenMask;
        while (true) {
            int id = tokenSlots[slot];
            if (id == NONE || Arrays.equals(tokenBytes[id], 0, tokenBytes[id].length, bytes, from, to)) {
                return id;
            }
            slot = (slot + 1) & tokenMask;
        }
    }

    private static int hash(byte[] bytes, int from, int to) {
        int h = to - from;
        for (int i = from; i < to; i++) {
            h = 31 * h + bytes[i];
        }
        return h ^ (h >>> 15) ^ (h >>> 7);
    }

    /** The ids of one piece's UTF-8 bytes. */
    int[] encode(byte[] piece) {
        int whole = lookup(piece, 0, piece.length);
        if (whole != NONE) {
            return new int[] {whole};
        }
        int n = piece.length;
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = byteToken[piece[i] & 0xFF];
        }
        // ranks[j]: the id the pair (ids[j], ids[j+1]) merges into, or NONE.
        int[] ranks = new int[Math.max(1, n - 1)];
        for (int j = 0; j + 1 < n; j++) {
            ranks[j] = pair(ids[j], ids[j + 1]);
        }
        while (n > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int j = 0; j + 1 < n; j++) {
                int r = ranks[j];
                if (r != NONE && r < bestRank) {
                    bestRank = r;
                    best = j;
                }
            }
            if (best < 0) {
                break;
            }
            ids[best] = bestRank;
            System.arraycopy(ids, best + 2, ids, best + 1, n - best - 2);
            System.arraycopy(ranks, best + 1, ranks, best, n - best - 2);
            n--;
            if (best + 1 < n) {
                ranks[best] = pair(ids[best], ids[best + 1]);
            }
            if (best > 0) {
                ranks[best - 1] = pair(ids[best - 1], ids[best]);
            }
        }
        return Arrays.copyOf(ids, n);
    }

    private int pair(int left, int right) {
        long key = pairKey(left, right);
        int slot = slot(key, pairMask);
        while (true) {
            int v = pairValues[slot];
            if (v == NONE || pairKeys[slot] == key) {
                return v;
            }
            slot = (slot + 1) & pairMask;
        }
    }

    private static long pairKey(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static void insertPair(long[] keys, int[] values, long key, int merged) {
        int mask = keys.length - 1;
        int slot = slot(key, mask);
        while (values[slot] != NONE && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = merged;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32) & mask;
    }
}
