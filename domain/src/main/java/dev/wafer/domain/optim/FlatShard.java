package dev.wafer.domain.optim;

/**
 * One rank's contiguous share of the flat parameter space for a sharded optimizer (ZeRO stage 1). The rule: with
 * {@code total} elements over {@code ranks} ranks, every shard but the last is {@code blockSize() = ceil(total /
 * ranks)} elements, and shard {@code r} is {@code [min(r·blockSize, total), min((r+1)·blockSize, total))}; the last
 * (or, for tiny models, the last few) may be shorter or empty. Equal blocks let the collectives move
 * {@code blockSize} floats per rank ({@code MPI_Reduce_scatter_block}, {@code MPI_Allgather}), the short tail
 * padded with zeros. The rule depends only on the total and the rank count, so every rank computes every shard.
 *
 * @param total the number of elements split (the model's parameter count)
 * @param ranks the number of shards
 * @param rank  the shard this one is
 */
public record FlatShard(long total, int ranks, int rank) {
    /**
     * Checks that the total is not negative and that the rank is one of at least one rank.
     *
     * @throws IllegalArgumentException for a negative total, no ranks, or a rank outside them
     */
    public FlatShard {
        if (total < 0 || ranks < 1 || rank < 0 || rank >= ranks) {
            throw new IllegalArgumentException("shard " + rank + " of " + ranks + " over " + total + " elements");
        }
    }

    /** The whole space as one shard (a single process, or an unsharded optimizer). */
    public static FlatShard whole(long total) {
        return new FlatShard(total, 1, 0);
    }

    /** Elements per shard before the tail is cut: {@code ceil(total / ranks)}. */
    public long blockSize() {
        return (total + ranks - 1) / ranks;
    }

    /** First element of shard {@code r}. */
    public long startOf(int r) {
        return Math.min((long) r * blockSize(), total);
    }

    /** One past the last element of shard {@code r}. */
    public long endOf(int r) {
        return Math.min((long) (r + 1) * blockSize(), total);
    }

    /** First element of this shard. */
    public long start() {
        return startOf(rank);
    }

    /** One past the last element of this shard. */
    public long end() {
        return endOf(rank);
    }

    /** Elements in this shard. */
    public long length() {
        return end() - start();
    }

    /** The shard that holds element {@code i}. */
    public int ownerOf(long i) {
        return (int) (i / blockSize());
    }

    /** Whether the space is split at all. */
    public boolean sharded() {
        return ranks > 1;
    }
}
