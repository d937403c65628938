package dev.wafer.domain.data;

import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic document-level shuffle of a whole corpus without holding it in memory (external bucketing).
 *
 * <p>Pass 1 sends each document to one of {@code B} temporary buckets chosen by a seeded hash of its content
 * hash. Pass 2 visits buckets in order {@code 0..B-1}; each bucket (about 1/B of the corpus) is loaded, put in
 * a canonical order (content hash, then input ordinal) and shuffled with a generator seeded by
 * {@code (seed, bucket)}. Since the bucket of a document is a uniform hash, the result is a uniformly random
 * permutation of documents that depends only on the seed, {@code B} and the documents, not on input order or
 * on thread timing.
 */
public final class ShuffleBuckets {
    private final long seed;
    private final int buckets;

    /**
     * A shuffle over {@code buckets} buckets, seeded by {@code seed}.
     *
     * @param seed    shuffle seed
     * @param buckets number of temporary buckets, at least 1
     */
    public ShuffleBuckets(long seed, int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("bucket count must be at least 1, got " + buckets);
        }
        this.seed = seed;
        this.buckets = buckets;
    }

    /**
     * Picks a bucket count that keeps one bucket at about {@code targetBucketBytes} of raw input.
     */
    public static int bucketsFor(long inputBytes, long targetBucketBytes) {
        long b = (inputBytes + targetBucketBytes - 1) / targetBucketBytes;
        return (int) Math.max(1, Math.min(4096, b));
    }

    /** Number of buckets. */
    public int buckets() {
        return buckets;
    }

    /** The bucket of a document. */
    public int bucketOf(ContentHash hash) {
        return (int) Long.remainderUnsigned(WordShingles.mix(hash.prefix64() ^ WordShingles.mix(seed)), buckets);
    }

    /**
     * Shuffles one bucket's documents in place.
     *
     * @param bucket  the bucket index
     * @param docs    the documents of that bucket, in any order
     * @param hashOf  content hash of a document
     * @param ordinal input ordinal of a document (breaks ties between identical documents)
     */
    public <T> void shuffle(int bucket, List<T> docs, java.util.function.Function<T, ContentHash> hashOf,
                            java.util.function.ToLongFunction<T> ordinal) {
        docs.sort(Comparator.comparing((T d) -> hashOf.apply(d).hex()).thenComparingLong(ordinal));
        SplittableRandom random = new SplittableRandom(WordShingles.mix(seed * 31 + bucket));
        for (int i = docs.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T tmp = docs.get(i);
            docs.set(i, docs.get(j));
            docs.set(j, tmp);
        }
    }
}
