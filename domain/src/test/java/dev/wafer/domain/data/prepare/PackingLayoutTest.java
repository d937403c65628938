package dev.wafer.domain.data.prepare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.data.Split;

/**
 * The layout of the packed streams from per-bucket counts, against brute force: bucket starts are the packed tokens
 * (tokens plus one end-of-text per document) of the buckets before; the ranks' bucket ranges cover every bucket
 * once, in order, and no rank's share exceeds an equal share by more than one bucket; the key ranges cover the
 * signed 64-bit keys without gap or overlap.
 */
class PackingLayoutTest {
    @Test
    void startsAreThePackedTokensOfTheBucketsBefore() {
        long seed = 41;
        SplittableRandom random = new SplittableRandom(seed);
        int buckets = 37;
        long[] counts = new long[PackingLayout.size(buckets)];
        for (int b = 0; b < buckets; b++) {
            for (Split s : Split.values()) {
                int docs = random.nextInt(0, 6);
                counts[PackingLayout.index(b, s)] = docs;
                counts[PackingLayout.index(b, s) + 1] = docs == 0 ? 0 : random.nextInt(docs, 5000);
            }
        }
        PackingLayout layout = new PackingLayout(buckets, counts.clone());
        for (Split s : Split.values()) {
            long position = 0;
            for (int b = 0; b <= buckets; b++) {
                assertEquals(position, layout.start(b, s), "seed " + seed + " bucket " + b + " " + s);
                if (b < buckets) {
                    position += counts[PackingLayout.index(b, s)] + counts[PackingLayout.index(b, s) + 1];
                }
            }
            PreparationReport.SplitStats stats = layout.stats(s, 64, 10);
            assertEquals(position / 64, stats.sequences());
            assertEquals(position % 64, stats.droppedTail());
            assertEquals(position - position % 64, layout.limit(s, 64));
            assertEquals(stats.sequences(), stats.shardCounts().stream().mapToLong(Long::longValue).sum());
        }
        for (int ranks = 1; ranks <= 6; ranks++) {
            int[] firsts = layout.ranges(ranks);
            assertEquals(0, firsts[0]);
            assertEquals(buckets, firsts[ranks]);
            long total = layout.packed(Split.TRAIN) + layout.packed(Split.VALIDATION) + layout.packed(Split.TEST);
            long largest = 0;
            for (int b = 0; b < buckets; b++) {
                largest = Math.max(largest, packed(layout, b));
            }
            for (int r = 0; r < ranks; r++) {
                assertTrue(firsts[r] <= firsts[r + 1], "ranges in order: seed " + seed);
                long share = 0;
                for (int b = firsts[r]; b < firsts[r + 1]; b++) {
                    share += packed(layout, b);
                }
                assertTrue(Math.abs(share - (double) total / ranks) <= largest, "seed " + seed + ", " + ranks
                        + " ranks: rank " + r + " packs " + share + " of " + total);
            }
        }
    }

    @Test
    void removingADocumentMovesEveryLaterBucket() {
        int buckets = 4;
        long[] counts = new long[PackingLayout.size(buckets)];
        for (int b = 0; b < buckets; b++) {
            counts[PackingLayout.index(b, Split.TRAIN)] = 2;
            counts[PackingLayout.index(b, Split.TRAIN) + 1] = 100;
        }
        PackingLayout layout = new PackingLayout(buckets, counts);
        layout.remove(1, Split.TRAIN, 30);
        assertEquals(102, layout.start(1, Split.TRAIN));
        assertEquals(102 + 71, layout.start(2, Split.TRAIN));
        assertEquals(7, layout.documents(Split.TRAIN));
        assertEquals(370, layout.tokens(Split.TRAIN));
    }

    @Test
    void keyRangesCoverEveryKeyOnce() {
        for (int n = 1; n <= 7; n++) {
            long[] first = SpreadPassTwo.keyRange(0, n);
            assertEquals(Long.MIN_VALUE, first[0]);
            for (int r = 0; r < n; r++) {
                long[] range = SpreadPassTwo.keyRange(r, n);
                assertTrue(range[0] <= range[1], n + " ranks, rank " + r);
                if (r + 1 < n) {
                    assertEquals(range[1] + 1, SpreadPassTwo.keyRange(r + 1, n)[0], n + " ranks, rank " + r);
                }
            }
            assertEquals(Long.MAX_VALUE, SpreadPassTwo.keyRange(n - 1, n)[1]);
        }
    }

    private static long packed(PackingLayout layout, int bucket) {
        long n = 0;
        for (Split s : Split.values()) {
            n += layout.start(bucket + 1, s) - layout.start(bucket, s);
        }
        return n;
    }
}
