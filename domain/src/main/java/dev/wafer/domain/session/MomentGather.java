package dev.wafer.domain.session;

import dev.wafer.domain.optim.AdamW;
import dev.wafer.domain.optim.FlatShard;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.compute.Tensor;

/**
 * Streams a sharded AdamW's moments, which each rank holds a shard of, to the rank that writes the checkpoint, in
 * the unsharded layout and in bounded memory. The moments are one space of {@code 2·P} elements (m, then v), read in
 * blocks of {@value #BLOCK} elements in order; a block is filled by broadcasts from the ranks that own its pieces
 * (floats widened to double and back, so every bit arrives, -0.0 and NaN included). Every rank must fetch the same
 * blocks in the same order: the writer fetches each block when its checkpoint writer first reads into it (the writer
 * reads tensors in order, each from its first element), the other ranks {@link #finish()} straight away.
 */
final class MomentGather {
    /** Elements per block: 8 MiB of doubles on every rank during a save. */
    static final int BLOCK = 1 << 20;

    private final Collective collective;
    private final FlatShard shard;
    private final Tensor mine1;
    private final Tensor mine2;
    private final long total;
    private final double[] block;
    private final float[] piece;
    /** The block fetched last: {@code [blockStart, blockStart + blockLength)}; none yet: it ends at 0. */
    private long blockStart;
    private int blockLength;

    MomentGather(Collective collective, AdamW optimizer) {
        this(collective, optimizer, BLOCK);
    }

    /** With blocks of {@code blockElements} (tests use small ones, to cross many block and shard boundaries). */
    MomentGather(Collective collective, AdamW optimizer, int blockElements) {
        this.collective = collective;
        this.shard = optimizer.shard();
        this.mine1 = optimizer.firstMomentsShard();
        this.mine2 = optimizer.secondMomentsShard();
        this.total = 2 * shard.total();
        this.block = new double[(int) Math.min(blockElements, Math.max(1, total))];
        this.piece = new float[block.length];
    }

    /** Position of first-moment element {@code i} in the gathered space. */
    long firstMoment(long i) {
        return i;
    }

    /** Position of second-moment element {@code i} in the gathered space. */
    long secondMoment(long i) {
        return shard.total() + i;
    }

    /**
     * Copies {@code n} elements from {@code position} on into {@code dst}; positions must not go back to an
     * earlier block than the last call's.
     */
    void read(long position, float[] dst, int at, int n) {
        int done = 0;
        while (done < n) {
            long p = position + done;
            if (p < blockStart) {
                throw new IllegalStateException("moments are gathered in order: position " + p + " is before the"
                        + " block at " + blockStart);
            }
            while (p >= blockStart + blockLength) {
                fetchNext();
            }
            int k = (int) Math.min(n - done, blockStart + blockLength - p);
            int from = (int) (p - blockStart);
            for (int i = 0; i < k; i++) {
                dst[at + done + i] = (float) block[from + i];
            }
            done += k;
        }
    }

    /** Fetches every block not fetched yet (a rank that does not write calls only this). */
    void finish() {
        while (blockStart + blockLength < total) {
            fetchNext();
        }
    }

    /** The next block: each piece that one rank owns is broadcast from it. */
    private void fetchNext() {
        if (blockStart + blockLength >= total) {
            throw new IllegalStateException("read past the " + total + " gathered moments");
        }
        blockStart += blockLength;
        blockLength = (int) Math.min(block.length, total - blockStart);
        long p = blockStart;
        long end = blockStart + blockLength;
        while (p < end) {
            boolean second = p >= shard.total();
            long element = second ? p - shard.total() : p;
            int owner = shard.ownerOf(element);
            long pieceEnd = Math.min(end, (second ? shard.total() : 0) + shard.endOf(owner));
            if (!second) {
                pieceEnd = Math.min(pieceEnd, shard.total());
            }
            int n = (int) (pieceEnd - p);
            int at = (int) (p - blockStart);
            if (owner == shard.rank()) {
                (second ? mine2 : mine1).copyToHost(element - shard.start(), piece, 0, n);
                for (int i = 0; i < n; i++) {
                    block[at + i] = piece[i];
                }
            }
            collective.broadcast(block, at, n, owner);
            p = pieceEnd;
        }
    }
}
