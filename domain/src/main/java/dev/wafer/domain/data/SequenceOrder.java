package dev.wafer.domain.data;

/**
 * The order in which a data-parallel worker reads packed sequences: a seeded pseudo-random permutation of all
 * sequences per epoch, dealt round-robin to {@code workers} workers, so workers never overlap and together cover
 * every sequence once per epoch. Any position can be computed directly, which makes resuming exact: store the
 * position, not the data.
 *
 * <p>The permutation is a four-round Feistel network over the smallest even power of two at least the sequence
 * count, with cycle walking to stay in range: constant memory whatever the dataset size.
 */
public final class SequenceOrder {
    private static final int ROUNDS = 4;

    private final long count;
    private final long seed;
    private final int worker;
    private final int workers;
    private final int halfBits;
    private final long perWorker;

    /**
     * The order of one worker's reads among {@code workers}; each reads {@code count / workers} sequences per epoch.
     *
     * @param count   sequences in the dataset split
     * @param seed    order seed
     * @param worker  this worker's rank, in {@code [0, workers)}
     * @param workers number of data-parallel workers
     */
    public SequenceOrder(long count, long seed, int worker, int workers) {
        if (workers < 1 || worker < 0 || worker >= workers) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers + " is not a valid rank");
        }
        if (count < workers) {
            throw new IllegalArgumentException("only " + count + " sequences for " + workers + " workers");
        }
        this.count = count;
        this.seed = seed;
        this.worker = worker;
        this.workers = workers;
        int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, count - 1));
        this.halfBits = Math.max(1, (bits + 1) / 2);
        // Every worker gets the same number per epoch; the remainder of a round-robin deal is skipped that epoch.
        this.perWorker = count / workers;
    }

    /** Sequences this worker reads per epoch. */
    public long perEpoch() {
        return perWorker;
    }

    /**
     * The sequence this worker reads at a position.
     *
     * @param position 0-based step count of this worker, across epochs
     * @return the sequence index in {@code [0, count)}
     */
    public long sequenceAt(long position) {
        if (position < 0) {
            throw new IllegalArgumentException("position must be non-negative: " + position);
        }
        long epoch = position / perWorker;
        long global = (position % perWorker) * workers + worker;
        return permute(global, WordShingles.mix(seed + 0x9E3779B97F4A7C15L * (epoch + 1)));
    }

    private long permute(long x, long key) {
        long v = x;
        do {
            v = feistel(v, key);
        } while (v >= count); // cycle walking: stays a bijection on [0, count)
        return v;
    }

    private long feistel(long v, long key) {
        long mask = (1L << halfBits) - 1;
        long left = v >>> halfBits;
        long right = v & mask;
        for (int r = 0; r < ROUNDS; r++) {
            long f = WordShingles.mix(right ^ key ^ ((long) r << 56)) & mask;
            long next = left ^ f;
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
