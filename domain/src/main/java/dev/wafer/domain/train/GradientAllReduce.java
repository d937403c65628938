package dev.wafer.domain.train;

import java.util.Arrays;

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
