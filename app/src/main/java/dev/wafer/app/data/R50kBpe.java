package dev.wafer.app.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import com.knuddels.jtokkit.Encodings;

/**
 * GPT-2's byte-level BPE of one pre-tokenised piece, with jtokkit's r50k ranks (read from jtokkit's own resource)
 * and tiktoken's rule: a piece that is a token is that token; otherwise start from its bytes and repeatedly merge
 * the adjacent pair whose concatenation has the lowest rank, leftmost first. Pairs are looked up in an
 * open-addressing table of (left id, right id) to merged id, so a merge step costs no hashing of byte arrays.
 * Thread-safe once built (read-only tables).
 */
final class R50kBpe {
    private static final String RANKS = "/com/knuddels/jtokkit/r50k_base.tiktoken";
    private static final int NONE = -1;

    private final int[] byteToken = new int[256];
    private final Map<String, Integer> wholeTokens;
    private final long[] pairKeys;
    private final int[] pairValues;
    private final int pairMask;

    R50kBpe() {
        Map<String, Integer> tokens = new HashMap<>(1 << 17);
        try (InputStream raw = Encodings.class.getResourceAsStream(RANKS)) {
            if (raw == null) {
                throw new IllegalStateException("jtokkit's " + RANKS + " is missing from the class path");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.US_ASCII));
            Base64.Decoder base64 = Base64.getDecoder();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int space = line.indexOf(' ');
                if (space > 0) {
                    byte[] bytes = base64.decode(line.substring(0, space));
                    tokens.put(new String(bytes, StandardCharsets.ISO_8859_1), Integer.parseInt(line.substring(space + 1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RANKS, e);
        }
        this.wholeTokens = tokens;
        Arrays.fill(byteToken, NONE);
        int pairs = 0;
        for (Map.Entry<String, Integer> e : tokens.entrySet()) {
            String t = e.getKey();
            if (t.length() == 1) {
                byteToken[t.charAt(0)] = e.getValue();
            } else {
                pairs += t.length() - 1;
            }
        }
        int slots = Integer.highestOneBit(Math.max(16, pairs * 2)) * 2;
        pairKeys = new long[slots];
        pairValues = new int[slots];
        Arrays.fill(pairValues, NONE);
        pairMask = slots - 1;
        for (Map.Entry<String, Integer> e : tokens.entrySet()) {
            String t = e.getKey();
            for (int k = 1; k < t.length(); k++) {
                Integer left = tokens.get(t.substring(0, k));
                Integer right = tokens.get(t.substring(k));
                if (left != null && right != null) {
                    putPair(left, right, e.getValue());
                }
            }
        }
    }

    /** The ids of one piece's UTF-8 bytes. */
    int[] encode(byte[] piece) {
        Integer whole = wholeTokens.get(new String(piece, StandardCharsets.ISO_8859_1));
        if (whole != null) {
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
        long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
        int slot = slot(key);
        while (true) {
            int v = pairValues[slot];
            if (v == NONE || pairKeys[slot] == key) {
                return v;
            }
            slot = (slot + 1) & pairMask;
        }
    }

    private void putPair(int left, int right, int merged) {
        long key = ((long) left << 32) | (right & 0xFFFFFFFFL);
        int slot = slot(key);
        while (pairValues[slot] != NONE && pairKeys[slot] != key) {
            slot = (slot + 1) & pairMask;
        }
        pairKeys[slot] = key;
        pairValues[slot] = merged;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & pairMask;
    }
}
