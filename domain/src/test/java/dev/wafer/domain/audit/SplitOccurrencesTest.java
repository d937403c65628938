package dev.wafer.domain.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.ports.data.PackedCorpus;

/**
 * {@link SplitOccurrences} against a brute-force count: every offset of the concatenated rows compared token by
 * token. Tokens come from a tiny vocabulary so that sequences repeat, overlap and cross row boundaries.
 */
class SplitOccurrencesTest {

    /** Rows of a token stream; no documents (copy counting reads rows only). */
    static final class Stream implements PackedCorpus {
        final int[] tokens;
        final int length;

        Stream(int[] tokens, int length) {
            this.tokens = tokens;
            this.length = length;
        }

        @Override
        public int sequenceLength() {
            return length;
        }

        @Override
        public long rows() {
            return tokens.length / length;
        }

        @Override
        public void readRow(long row, int[] dest) {
            System.arraycopy(tokens, (int) row * length, dest, 0, dest.length);
        }

        @Override
        public int documentAt(long row, int offset) {
            return 0;
        }

        @Override
        public List<Document> documents() {
            return List.of(new Document("h", "s", "l", tokens.length));
        }

        @Override
        public int vocabSize() {
            return 1 << 16;
        }

        @Override
        public void read(int index, int start, int[] dest) {
            System.arraycopy(tokens, start, dest, 0, dest.length);
        }
    }

    private static long bruteForce(int[] stream, int[] s) {
        long n = 0;
        for (int i = 0; i + s.length <= stream.length; i++) {
            if (Arrays.equals(stream, i, i + s.length, s, 0, s.length)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void countsEqualABruteForceCountAtEveryOffsetOverlapsIncluded() {
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int length = 3 + random.nextInt(8);
            int vocab = 2 + random.nextInt(3);
            int[] stream = new int[length * (5 + random.nextInt(30))];
            for (int i = 0; i < stream.length; i++) {
                stream[i] = random.nextInt(vocab);
            }
            List<int[]> queries = new ArrayList<>();
            for (int q = 0; q < 60; q++) {
                int n = 1 + random.nextInt(Math.min(stream.length, 3 * length));
                if (random.nextBoolean()) {
                    int at = random.nextInt(stream.length - n + 1);
                    queries.add(Arrays.copyOfRange(stream, at, at + n));
                } else {
                    int[] s = new int[n];
                    for (int i = 0; i < n; i++) {
                        s[i] = random.nextInt(vocab + 1);
                    }
                    queries.add(s);
                }
            }
            queries.add(queries.get(0).clone()); // an equal query counts the same
            queries.add(stream.clone());         // the whole stream, once
            long[] expected = queries.stream().mapToLong(s -> bruteForce(stream, s)).toArray();
            long[] actual = SplitOccurrences.count(new Stream(stream, length), queries, (d, t) -> { });
            assertArrayEquals(expected, actual, "seed " + seed);
        }
    }

    @Test
    void overlappingCopiesAllCount() {
        int[] stream = {5, 5, 5, 5, 5, 5, 5, 1};
        long[] n = SplitOccurrences.count(new Stream(stream, 4), List.of(new int[] {5, 5, 5}, new int[] {5, 1},
                new int[] {1, 5}), (d, t) -> { });
        assertArrayEquals(new long[] {5, 1, 0}, n);
    }

    @Test
    void hashCollisionsAreVerifiedNotCounted() {
        // x B^2 + y B + z = 0 mod 2^64 for (x, y, z) = (-559805, -1966853, -1137922) (found by lattice reduction),
        // so these two different 3-token sequences have the same rolling hash.
        int[] a = {10, 10, 10};
        int[] b = {10 + 559805, 10 + 1966853, 10 + 1137922};
        assertEquals(SplitOccurrences.hash(a), SplitOccurrences.hash(b), "a real collision");
        int[] stream = {10, 10, 10, 0, 10, 10, 10, 0, b[0], b[1], b[2], 0, 7, 10, 10, 10};
        long[] n = SplitOccurrences.count(new Stream(stream, 4), List.of(a, b), (d, t) -> { });
        assertArrayEquals(new long[] {3, 1}, n);
        long[] onlyA = SplitOccurrences.count(new Stream(stream, 4), List.of(a), (d, t) -> { });
        assertArrayEquals(new long[] {3}, onlyA, "b's windows hit a's slot and are rejected");
    }

    @Test
    void manyQueriesSharingTableSlotsStayExact() {
        SplittableRandom random = new SplittableRandom(9);
        int[] stream = new int[4000];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = random.nextInt(4);
        }
        List<int[]> queries = new ArrayList<>();
        for (int q = 0; q < 2000; q++) {
            int at = random.nextInt(stream.length - 6);
            queries.add(Arrays.copyOfRange(stream, at, at + 6));
        }
        long[] actual = SplitOccurrences.count(new Stream(stream, 100), queries, (d, t) -> { });
        for (int q = 0; q < queries.size(); q++) {
            assertEquals(bruteForce(stream, queries.get(q)), actual[q], "query " + q);
        }
    }

    @Test
    void anEmptySequenceIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SplitOccurrences.count(new Stream(new int[4], 2), List.of(new int[0]), (d, t) -> { }));
    }
}
