package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/** The footprint used to size runs before allocating equals what {@link Activations} really allocates. */
class ActivationFootprintTest {
    /** Counts allocations; the tensors it hands out are never read. */
    private static final class CountingScope implements TensorScope {
        long total;
        long largest;

        @Override
        public Tensor allocate(long length) {
            total += length;
            largest = Math.max(largest, length);
            return new Tensor() {
                @Override
                public long length() {
                    return length;
                }

                @Override
                public Tensor slice(long offset, long n) {
                    return this;
                }

                @Override
                public void copyFromHost(float[] src, int srcOffset, long offset, int count) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public void copyToHost(long offset, float[] dst, int dstOffset, int count) {
                    throw new UnsupportedOperationException();
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void matchesTheAllocationsOfSeveralShapes() {
        ModelShape[] shapes = {ModelShape.withHeads(97, 16, 2, 2, 32, 128), ModelShape.withHeads(301, 64, 3, 4, 48, 160),
            ModelShape.gpt(768, 10, 64)};
        int[][] batches = {{1, 16}, {3, 64}, {2, 2048}};
        for (int i = 0; i < shapes.length; i++) {
            for (boolean recompute : new boolean[] {false, true}) {
                CountingScope scope = new CountingScope();
                new Activations(scope, shapes[i], batches[i][0], batches[i][1], recompute);
                ActivationFootprint f = ActivationFootprint.of(shapes[i], batches[i][0], batches[i][1], recompute);
                String what = shapes[i] + (recompute ? ", recomputed" : "");
                assertEquals(scope.total, f.totalFloats(), what);
                assertEquals(scope.largest, f.largestFloats(), what);
            }
        }
    }

    /**
     * Recomputation keeps one block's inner activations instead of one per layer: on the 111M shape at seq 512 x
     * batch 4 the footprint drops by (L - 1) blocks less their kept outputs, to 0.71 GB (0.41 GB of it the logits).
     */
    @Test
    void recomputationKeepsOneBlockOfInnerActivations() {
        ModelShape s = ModelShape.gpt(768, 10, 64);
        long n = 4L * 512;
        long kept = ActivationFootprint.of(s, 4, 512, false).totalFloats();
        long recomputed = ActivationFootprint.of(s, 4, 512, true).totalFloats();
        long perBlock = n * 768 * 10 + n * s.dFfn() * 2 + 4L * s.nHeads() * 512 * 512 + 4 * n;
        assertEquals(9 * (perBlock - n * 768), kept - recomputed);
        assertTrue(recomputed * 4 < 750_000_000L, "recomputed footprint " + recomputed * 4 + " bytes");
    }

    /**
     * The 111M shape at seq 2048 x batch 8 (the GPU bench): its 10 attention matrices together hold 4.0e9 floats,
     * so they must be allocated layer by layer; no single allocation may exceed what one tensor can index.
     */
    @Test
    void noSingleAllocationOf111mAtSeq2048Batch8ExceedsAnIntIndex() {
        ModelShape s = ModelShape.gpt(768, 10, 64); // Table 1's 111M: 10 layers of width 768, heads of 64
        CountingScope scope = new CountingScope();
        new Activations(scope, s, 8, 2048);
        long oneAttention = 8L * s.nHeads() * 2048 * 2048;
        assertEquals(Math.max(oneAttention, 8L * 2048 * s.vocabSize()), scope.largest);
        assertTrue(scope.largest <= Integer.MAX_VALUE - 8, "largest allocation " + scope.largest);
        assertTrue(scope.total > Integer.MAX_VALUE, "the whole footprint is over 2^31 floats: " + scope.total);
        assertEquals(scope.largest, ActivationFootprint.of(s, 8, 2048).largestFloats());
    }
}
