package dev.wafer.domain.train;

import java.util.Arrays;

import dev.wafer.domain.optim.FlatShard;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.compute.Tensor;

/**
 * The data-parallel half of an optimizer step: sums the per-micro-batch losses and the flat gradient over the ranks.
 *
 * <p>The gradient travels in buckets of at most {@value #BUCKET_FLOATS} floats through one host buffer, allocated
 * once, from offset 0 upwards: the order of the buckets and their lengths never change, so for a given number of
 * ranks the sums are the same on every run. Losses travel as one slot per micro-batch of the step, filled only by
 * the rank that computed it (the others hold 0.0): since {@code x + 0.0 == x}, every rank ends up with each
 * micro-batch's loss exactly, and can add them in the single-process order.
 *
 * <p>For a sharded optimizer ({@link FlatShard}) the gradient is reduce-scattered instead (each rank receives the sum
 * of its shard only) and the updated parameters are all-gathered. Both go in rounds: round {@code k} moves, for every
 * rank {@code r}, elements {@code [start(r) + k·c, start(r) + (k+1)·c)} of its shard, {@code c} being at most
 * {@value #BUCKET_FLOATS}{@code / ranks}, so the host buffer stays one bucket; a shard's tail past the model is
 * padded with zeros (sent, never written back).
 */
final class GradientAllReduce {
    /** Floats per all-reduce call (16 MiB): large enough to amortise latency, small enough to bound the buffer. */
    static final int BUCKET_FLOATS = 1 << 22;

    private final Collective collective;
    private float[] bucket = new float[0];
    private double[] losses = new double[0];

    GradientAllReduce(Collective collective) {
        this.collective = collective;
    }

    /** Zeroed loss slots for a step of {@code microSteps} micro-batches (reallocated only when a batch grows). */
    double[] lossSlots(int microSteps) {
        if (losses.length < microSteps) {
            losses = new double[microSteps];
        } else {
            Arrays.fill(losses, 0, microSteps, 0.0);
        }
        return losses;
    }

    /** Sums the first {@code microSteps} loss slots over the ranks. */
    void sumLosses(int microSteps) {
        collective.allReduceSum(losses, 0, microSteps);
    }

    /** Replaces this rank's shard of {@code gradient} by its sum over the ranks (the rest is left as it is). */
    void reduceScatterGradient(Tensor gradient, FlatShard shard) {
        exchange(gradient, shard, true);
    }

    /** Copies every rank's shard of {@code params} to every rank. */
    void allGatherParameters(Tensor params, FlatShard shard) {
        exchange(params, shard, false);
    }

    private void exchange(Tensor flat, FlatShard shard, boolean reduce) {
        int ranks = shard.ranks();
        long block = shard.blockSize();
        int per = (int) Math.max(1, Math.min(block, BUCKET_FLOATS / ranks));
        if (bucket.length < per * ranks) {
            bucket = new float[per * ranks];
        }
        for (long done = 0; done < block; done += per) {
            int c = (int) Math.min(per, block - done);
            for (int r = 0; r < ranks; r++) {
                if (reduce || r == shard.rank()) {
                    copyOut(flat, shard, r, done, c, r * c);
                }
            }
            if (reduce) {
                collective.reduceScatterSum(bucket, 0, c);
                copyIn(flat, shard, shard.rank(), done, c, shard.rank() * c);
            } else {
                collective.allGather(bucket, 0, c);
                for (int r = 0; r < ranks; r++) {
                    if (r != shard.rank()) {
                        copyIn(flat, shard, r, done, c, r * c);
                    }
                }
            }
        }
    }

    /** Shard {@code r}'s elements {@code [done, done + c)} into the bucket at {@code at}, zeros past its end. */
    private void copyOut(Tensor flat, FlatShard shard, int r, long done, int c, int at) {
        long from = shard.startOf(r) + done;
        int n = (int) Math.max(0, Math.min(c, shard.endOf(r) - from));
        if (n > 0) {
            flat.copyToHost(from, bucket, at, n);
        }
        Arrays.fill(bucket, at + n, at + c, 0f);
    }

    /** The bucket at {@code at} into shard {@code r}'s elements {@code [done, done + c)}, up to its end. */
    private void copyIn(Tensor flat, FlatShard shard, int r, long done, int c, int at) {
        long to = shard.startOf(r) + done;
        int n = (int) Math.max(0, Math.min(c, shard.endOf(r) - to));
        if (n > 0) {
            flat.copyFromHost(bucket, at, to, n);
        }
    }

    /** Replaces {@code gradient} on every rank by its sum over the ranks, bucket by bucket. */
    void sumGradient(Tensor gradient) {
        long total = gradient.length();
        if (bucket.length == 0) {
            bucket = new float[(int) Math.min(total, BUCKET_FLOATS)];
        }
        for (long offset = 0; offset < total; offset += bucket.length) {
            int n = (int) Math.min(bucket.length, total - offset);
            gradient.copyToHost(offset, bucket, 0, n);
            collective.allReduceSum(bucket, 0, n);
            gradient.copyFromHost(bucket, 0, offset, n);
        }
    }
}
