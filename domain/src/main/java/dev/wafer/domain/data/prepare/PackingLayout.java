package dev.wafer.domain.data.prepare;

import java.util.ArrayList;
import java.util.List;

import dev.wafer.domain.data.Split;

/**
 * Where every shuffle bucket's documents land in the packed streams, from the documents and tokens each bucket holds
 * per split: pass 2 visits buckets in order and appends each document and its end-of-text to its split's stream,
 * so bucket {@code b} of split {@code s} starts at the sum of the packed tokens (tokens plus one end-of-text per
 * document) of buckets {@code 0 .. b-1} of that split. Knowing these prefix sums, ranks can pack disjoint bucket
 * ranges at once and write each stretch where one process writes it; the packer carries nothing else across a
 * bucket boundary (a sequence is just the next {@code sequenceLength} tokens of the stream). It also shares the
 * buckets out among the ranks, contiguous ranges of about equal packed tokens.
 */
final class PackingLayout {
    private static final int SPLITS = Split.values().length;

    private final int buckets;
    private final long[] counts;

    /**
     * @param counts per bucket and split, {@link #index}: documents, then tokens (end-of-text not counted)
     */
    PackingLayout(int buckets, long[] counts) {
        if (counts.length != size(buckets)) {
            throw new IllegalArgumentException(counts.length + " counts for " + buckets + " buckets");
        }
        this.buckets = buckets;
        this.counts = counts;
    }

    /** Length of the count array of {@code buckets} buckets. */
    static int size(int buckets) {
        return buckets * SPLITS * 2;
    }

    /** Where bucket {@code bucket}'s document count for {@code split} is; its token count follows. */
    static int index(int bucket, Split split) {
        return (bucket * SPLITS + split.ordinal()) * 2;
    }

    int buckets() {
        return buckets;
    }

    /** Deduplication removed a document of {@code tokens} tokens from bucket {@code bucket}. */
    void remove(int bucket, Split split, long tokens) {
        int i = index(bucket, split);
        counts[i]--;
        counts[i + 1] -= tokens;
    }

    /** Packed-stream position of bucket {@code bucket}'s first document of {@code split}. */
    long start(int bucket, Split split) {
        long position = 0;
        for (int b = 0; b < bucket; b++) {
            position += packed(b, split);
        }
        return position;
    }

    private long packed(int bucket, Split split) {
        int i = index(bucket, split);
        return counts[i] + counts[i + 1];
    }

    long documents(Split split) {
        long n = 0;
        for (int b = 0; b < buckets; b++) {
            n += counts[index(b, split)];
        }
        return n;
    }

    long tokens(Split split) {
        long n = 0;
        for (int b = 0; b < buckets; b++) {
            n += counts[index(b, split) + 1];
        }
        return n;
    }

    /** Documents of all splits. */
    long documents() {
        long n = 0;
        for (Split s : Split.values()) {
            n += documents(s);
        }
        return n;
    }

    /** The split's packed tokens: its stream's length, incomplete last sequence included. */
    long packed(Split split) {
        return start(buckets, split);
    }

    /** Stream positions at or beyond this are the incomplete last sequence, which is dropped. */
    long limit(Split split, int sequenceLength) {
        long packed = packed(split);
        return packed - packed % sequenceLength;
    }

    /** The statistics a single process reports for the split. */
    PreparationReport.SplitStats stats(Split split, int sequenceLength, long sequencesPerShard) {
        long sequences = packed(split) / sequenceLength;
        List<Long> shards = new ArrayList<>();
        for (long left = sequences; left > 0; left -= sequencesPerShard) {
            shards.add(Math.min(left, sequencesPerShard));
        }
        return new PreparationReport.SplitStats(documents(split), tokens(split), sequences, List.copyOf(shards),
                (int) (packed(split) % sequenceLength));
    }

    /**
     * The first bucket of each rank's range, and {@code buckets} last: rank {@code r} packs buckets
     * {@code [result[r], result[r+1])}, ranges of about equal packed tokens (a bucket is never split).
     */
    int[] ranges(int ranks) {
        long total = 0;
        long[] perBucket = new long[buckets];
        for (int b = 0; b < buckets; b++) {
            for (Split s : Split.values()) {
                perBucket[b] += packed(b, s);
            }
            total += perBucket[b];
        }
        int[] firsts = new int[ranks + 1];
        firsts[ranks] = buckets;
        long before = 0;
        int b = 0;
        for (int r = 1; r < ranks; r++) {
            // The first bucket that starts at or after r/ranks of the tokens.
            double target = (double) total * r / ranks;
            while (b < buckets && before + perBucket[b] / 2.0 < target) {
                before += perBucket[b++];
            }
            firsts[r] = b;
        }
        return firsts;
    }
}
