package dev.wafer.domain.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

class ShuffleSplitPackTest {
    private static final long SEED = 7L;

    private static List<ContentHash> hashes(int n) {
        List<ContentHash> h = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            h.add(ContentHash.of("document " + i));
        }
        return h;
    }

    /** The full external shuffle as the preparer runs it: bucket by hash, then shuffle each bucket. */
    private static List<ContentHash> shuffled(ShuffleBuckets s, List<ContentHash> docs) {
        List<List<ContentHash>> buckets = new ArrayList<>();
        for (int b = 0; b < s.buckets(); b++) {
            buckets.add(new ArrayList<>());
        }
        for (ContentHash h : docs) {
            buckets.get(s.bucketOf(h)).add(h);
        }
        List<ContentHash> out = new ArrayList<>();
        for (int b = 0; b < s.buckets(); b++) {
            s.shuffle(b, buckets.get(b), h -> h, h -> 0);
            out.addAll(buckets.get(b));
        }
        return out;
    }

    @Test
    void shuffleIsDeterministicAndIndependentOfInputOrder() {
        List<ContentHash> docs = hashes(2000);
        List<ContentHash> a = shuffled(new ShuffleBuckets(SEED, 16), docs);
        List<ContentHash> reversed = new ArrayList<>(docs);
        Collections.reverse(reversed);
        assertEquals(a, shuffled(new ShuffleBuckets(SEED, 16), reversed));
        assertNotEquals(a, shuffled(new ShuffleBuckets(SEED + 1, 16), docs));
        assertEquals(2000, a.stream().distinct().count());
        assertNotEquals(docs, a);
    }

    @Test
    void bucketsSpreadDocumentsEvenlySoNoBucketHoldsTheCorpus() {
        ShuffleBuckets s = new ShuffleBuckets(SEED, 16);
        int[] counts = new int[16];
        for (ContentHash h : hashes(16_000)) {
            counts[s.bucketOf(h)]++;
        }
        for (int c : counts) {
            assertTrue(c > 800 && c < 1200, "bucket sizes should be about 1000: " + java.util.Arrays.toString(counts));
        }
        assertEquals(1, ShuffleBuckets.bucketsFor(10, 64));
        assertEquals(16, ShuffleBuckets.bucketsFor(1024, 64));
    }

    @Test
    void shuffleMixesAcrossTheWholeCorpus() {
        // With 16 buckets the first 10% of the output must draw from documents all over the input order.
        List<ContentHash> docs = hashes(2000);
        List<ContentHash> out = shuffled(new ShuffleBuckets(SEED, 16), docs);
        int late = 0;
        for (ContentHash h : out.subList(0, 200)) {
            late += docs.indexOf(h) >= 1000 ? 1 : 0;
        }
        assertTrue(late > 60 && late < 140, "documents from the second half among the first 200: " + late);
    }

    @Test
    void splitIsDeterministicByHashAndFollowsFractions() {
        SplitAssigner s = SplitAssigner.parse("0.8,0.1,0.1");
        int[] counts = new int[3];
        for (ContentHash h : hashes(20_000)) {
            Split a = s.assign(h);
            assertEquals(a, SplitAssigner.parse("0.8, 0.1, 0.1").assign(h));
            counts[a.ordinal()]++;
        }
        assertTrue(Math.abs(counts[0] - 16_000) < 400 && Math.abs(counts[1] - 2000) < 200, java.util.Arrays.toString(counts));
        assertThrows(IllegalArgumentException.class, () -> SplitAssigner.parse("0.5,0.1"));
        assertThrows(IllegalArgumentException.class, () -> SplitAssigner.parse("0.9,0.2,0.1"));
        // NaN fails every comparison: "1,NaN,0" once wrote a dataset, "NaN,0,0" blamed --seq-len.
        for (String spec : List.of("1,NaN,0", "0.5,NaN,0.5", "NaN,0,0", "1,0,Infinity")) {
            assertThrows(IllegalArgumentException.class, () -> SplitAssigner.parse(spec), spec);
        }
    }

    @Test
    void packerJoinsWithEndOfTextAndCutsFixedSequences() {
        List<int[]> seqs = new ArrayList<>();
        SequencePacker p = new SequencePacker(4, 99, t -> seqs.add(t.clone()));
        assertEquals(0, p.add(new int[] {1, 2, 3}));
        assertEquals(4, p.add(new int[] {4, 5, 6, 7, 8}));
        assertEquals(10, p.add(new int[] {}));
        assertEquals(11, p.add(new int[] {9}));
        assertEquals(1, p.finish());
        assertEquals(3, seqs.size());
        assertArrayEquals(new int[] {1, 2, 3, 99}, seqs.get(0));
        assertArrayEquals(new int[] {4, 5, 6, 7}, seqs.get(1));
        assertArrayEquals(new int[] {8, 99, 99, 9}, seqs.get(2));
    }

    @Test
    void sequenceOrderIsAPermutationSplitAcrossWorkersAndResumable() {
        long count = 1003;
        long[] seen = new long[(int) count];
        int workers = 4;
        for (int w = 0; w < workers; w++) {
            SequenceOrder o = new SequenceOrder(count, SEED, w, workers);
            assertEquals(250, o.perEpoch());
            for (long pos = 0; pos < o.perEpoch(); pos++) {
                long s = o.sequenceAt(pos);
                seen[(int) s]++;
                assertEquals(s, new SequenceOrder(count, SEED, w, workers).sequenceAt(pos), "resume at " + pos);
            }
        }
        long covered = java.util.Arrays.stream(seen).filter(c -> c == 1).count();
        assertEquals(1000, covered, "no overlap; 3 sequences of the remainder skipped this epoch");
        assertTrue(java.util.Arrays.stream(seen).allMatch(c -> c <= 1));
        SequenceOrder o = new SequenceOrder(count, SEED, 0, 1);
        List<Long> epoch0 = new ArrayList<>();
        List<Long> epoch1 = new ArrayList<>();
        for (long pos = 0; pos < count; pos++) {
            epoch0.add(o.sequenceAt(pos));
            epoch1.add(o.sequenceAt(pos + count));
        }
        assertNotEquals(epoch0, epoch1, "each epoch has its own order");
        assertEquals(count, epoch1.stream().distinct().count());
    }

    @Test
    void shingleTableSortsSignedKeysAndKeepsIdsPerKey() {
        Random r = new Random(SEED);
        ShingleTable.Builder b = new ShingleTable.Builder();
        List<long[]> pairs = new ArrayList<>();
        for (int id = 0; id < 500; id++) {
            for (int k = 0; k < 20; k++) {
                long key = r.nextInt(50) == 0 ? -5L : r.nextLong();
                b.add(key, id);
                pairs.add(new long[] {key, id});
            }
        }
        ShingleTable t = b.build();
        for (int i = 1; i < t.size(); i++) {
            assertTrue(t.keys()[i - 1] <= t.keys()[i], "sorted at " + i);
        }
        List<Integer> ids = new ArrayList<>();
        t.forEachId(-5L, ids::add);
        List<Integer> expected = pairs.stream().filter(p -> p[0] == -5L).map(p -> (int) p[1]).distinct().toList();
        assertEquals(expected, ids);
    }
}
