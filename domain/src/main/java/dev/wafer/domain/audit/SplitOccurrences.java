package dev.wafer.domain.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.wafer.ports.data.PackedCorpus;

/**
 * Counts how many times token sequences occur in a packed split: the split's rows read in order form one token
 * stream (documents joined by end-of-text, across row boundaries), and an occurrence is any offset of that stream
 * where the sequence's tokens follow one another exactly; overlapping occurrences all count (a run of seven equal
 * tokens holds five copies of three of them). This is how duplicated a sampled continuation is in the training data
 * (Carlini et al. 2022 bucket memorization by it), and whether a user's text is in it at all.
 *
 * <p>One pass over the split in bounded memory: per distinct sequence length L a rolling polynomial hash of the last
 * L tokens (mod 2^64) is looked up in an open-addressing table of the queried sequences' hashes, and every hit is
 * verified token by token against a ring buffer of the last L tokens, so hash collisions never count. Memory: the
 * queries, a table of twice their number, and one ring of L tokens per length; nothing is allocated per token.
 */
public final class SplitOccurrences {
    /** Receives progress after each row read. */
    @FunctionalInterface
    public interface Progress {
        /** {@code done} of {@code total} rows read. */
        void read(long done, long total);
    }

    /** An odd multiplier: the polynomial hash's base. */
    private static final long BASE = 0x9E3779B97F4A7C15L;

    private SplitOccurrences() {
    }

    /**
     * Occurrences of each of {@code sequences} (each of at least one token) in {@code split}, in the order given.
     *
     * @throws IllegalArgumentException for an empty sequence
     */
    public static long[] count(PackedCorpus split, List<int[]> sequences, Progress progress) {
        Map<Integer, Group> byLength = new LinkedHashMap<>();
        int[] groupOf = new int[sequences.size()];
        int[] distinctOf = new int[sequences.size()];
        List<Group> groups = new ArrayList<>();
        for (int q = 0; q < sequences.size(); q++) {
            int[] s = sequences.get(q);
            if (s.length == 0) {
                throw new IllegalArgumentException("sequence " + q + " is empty");
            }
            Group g = byLength.computeIfAbsent(s.length, length -> {
                Group created = new Group(length);
                groups.add(created);
                return created;
            });
            groupOf[q] = groups.indexOf(g);
            distinctOf[q] = g.add(s);
        }
        Group[] all = groups.toArray(new Group[0]);
        for (Group g : all) {
            g.buildTable();
        }
        int[] row = new int[split.sequenceLength()];
        long rows = split.rows();
        for (long r = 0; r < rows; r++) {
            split.readRow(r, row);
            for (Group g : all) {
                g.scan(row);
            }
            progress.read(r + 1, rows);
        }
        long[] out = new long[sequences.size()];
        for (int q = 0; q < out.length; q++) {
            out[q] = all[groupOf[q]].counts[distinctOf[q]];
        }
        return out;
    }

    /** The hash {@link Group#scan} computes for a window holding exactly {@code tokens}. */
    static long hash(int[] tokens) {
        long h = 0;
        for (int t : tokens) {
            h = h * BASE + (t + 1L);
        }
        return h;
    }

    /** The queried sequences of one length, their table, and the rolling state of the scan. */
    private static final class Group {
        private final int length;
        private final List<int[]> distinct = new ArrayList<>();
        private final List<Long> hashes = new ArrayList<>();
        /** Distinct sequences by hash, to merge equal queries (setup only). */
        private final Map<Long, List<Integer>> byHash = new java.util.HashMap<>();
        private long[] counts;
        /** Open addressing: hash per slot, and the first distinct sequence with it (-1: empty). */
        private long[] keys;
        private int[] heads;
        /** Next distinct sequence with the same hash (-1: none). */
        private int[] chain;
        private int[][] sequences;
        private int mask;
        /** The last {@code length} tokens; {@code at} is the oldest once full. */
        private final int[] ring;
        private int at;
        private long filled;
        private long rolling;
        /** BASE^length, to take the oldest token out of the hash. */
        private final long outWeight;

        Group(int length) {
            this.length = length;
            this.ring = new int[length];
            long w = 1;
            for (int i = 0; i < length; i++) {
                w *= BASE;
            }
            this.outWeight = w;
        }

        /** Index of {@code s} among the distinct sequences (added when new). */
        int add(int[] s) {
            long h = hash(s);
            List<Integer> same = byHash.computeIfAbsent(h, k -> new ArrayList<>());
            for (int d : same) {
                if (Arrays.equals(distinct.get(d), s)) {
                    return d;
                }
            }
            distinct.add(s.clone());
            hashes.add(h);
            same.add(distinct.size() - 1);
            return distinct.size() - 1;
        }

        void buildTable() {
            int n = distinct.size();
            int slots = Integer.highestOneBit(Math.max(2, 2 * n - 1)) << 1;
            keys = new long[slots];
            heads = new int[slots];
            Arrays.fill(heads, -1);
            chain = new int[n];
            counts = new long[n];
            sequences = distinct.toArray(new int[0][]);
            mask = slots - 1;
            for (int d = 0; d < n; d++) {
                long h = hashes.get(d);
                int slot = slotOf(h);
                chain[d] = heads[slot];
                keys[slot] = h;
                heads[slot] = d;
            }
        }

        /** The slot holding {@code h}, or the empty slot where it belongs. */
        private int slotOf(long h) {
            // The hash's low bits are weak (a power-of-two modulus): spread them (MurmurHash3's finaliser).
            long z = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
            int slot = (int) (z ^ (z >>> 33)) & mask;
            while (heads[slot] != -1 && keys[slot] != h) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        void scan(int[] tokens) {
            for (int t : tokens) {
                int out = ring[at];
                ring[at] = t;
                at = at + 1 == length ? 0 : at + 1;
                rolling = rolling * BASE + (t + 1L);
                if (filled >= length) {
                    rolling -= (out + 1L) * outWeight;
                }
                filled++;
                if (filled >= length) {
                    int slot = slotOf(rolling);
                    for (int d = heads[slot]; d != -1; d = chain[d]) {
                        if (ringEquals(sequences[d])) {
                            counts[d]++;
                        }
                    }
                }
            }
        }

        /** Whether the last {@code length} tokens, oldest first, are {@code s}. */
        private boolean ringEquals(int[] s) {
            int p = at;
            for (int i = 0; i < length; i++) {
                if (ring[p] != s[i]) {
                    return false;
                }
                p = p + 1 == length ? 0 : p + 1;
            }
            return true;
        }
    }
}
