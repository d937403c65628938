package dev.wafer.domain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import dev.wafer.ports.compute.Capability;
import dev.wafer.ports.compute.OperandFormat;
import dev.wafer.ports.compute.Tensor;
import dev.wafer.ports.compute.TensorScope;

/** The footprint used to size runs before allocating equals what {@link Activations} really allocates. */
class ActivationFootprintTest {
    /** Counts allocations; the tensors it hands out are never read. */
    private static final class CountingScope implements TensorScope {
        long total;
        long sixteen;
        long bytes;
        long largest;

        @Override
        public Tensor allocate(long length, OperandFormat format) {
            Tensor t = allocate(length);
            if (format != OperandFormat.FP32) {
                sixteen += length;
                bytes -= 2 * length;
            }
            return t;
        }

        @Override
        public Tensor allocate(long length) {
            total += length;
            bytes += 4 * length;
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
                assertEquals(scope.total, f.totalValues(), what);
                assertEquals(0, f.sixteenBitValues(), what);
                assertEquals(scope.bytes, f.totalBytes(), what);
                assertEquals(scope.largest, f.largestValues(), what);
            }
        }
    }

    /**
     * In bf16 runs on a backend that stores bf16 tensors the linear layers' inputs (ln1, atty, ln2, fchGelu), the
     * attention's input (qkv) and probabilities (att) are allocated in 16 bits, ln1 not under --fp32-attention-grads: the footprint
     * counts their bytes as allocated.
     */
    @Test
    void countsTheBytesOfSixteenBitActivationsAsAllocated() {
        ModelShape[] shapes = {ModelShape.withHeads(97, 16, 2, 2, 32, 128), ModelShape.gpt(768, 10, 64)};
        int[][] batches = {{3, 16}, {4, 512}};
        ModelPrecision[] precisions = {new ModelPrecision(OperandFormat.BF16, false),
            new ModelPrecision(OperandFormat.BF16, true), new ModelPrecision(OperandFormat.FP16, false)};
        for (int i = 0; i < shapes.length; i++) {
            for (ModelPrecision p : precisions) {
                for (boolean recompute : new boolean[] {false, true}) {
                    ActivationStorage storage = ActivationStorage.choose("test",
                            java.util.EnumSet.allOf(Capability.class), p);
                    CountingScope scope = new CountingScope();
                    new Activations(scope, shapes[i], batches[i][0], batches[i][1], recompute, storage);
                    ActivationFootprint f = ActivationFootprint.of(shapes[i], batches[i][0], batches[i][1], recompute,
                            storage);
                    String what = shapes[i] + " " + p + (recompute ? ", recomputed" : "");
                    assertEquals(scope.total, f.totalValues(), what);
                    assertEquals(scope.sixteen, f.sixteenBitValues(), what);
                    assertEquals(scope.bytes, f.totalBytes(), what);
                    long n = (long) batches[i][0] * batches[i][1];
                    long layers = recompute ? 1 : shapes[i].nLayers();
                    long expected = p.operands() != OperandFormat.BF16 ? 0
                            : layers * (n * ((p.fp32AttentionGrads() ? 5 : 6) * shapes[i].dModel() + shapes[i].dFfn())
                            + (long) batches[i][0] * shapes[i].nHeads() * batches[i][1] * batches[i][1]);
                    assertEquals(expected, f.sixteenBitValues(), what);
                }
            }
        }
        // 111M at seq 512 x batch 4: ten layers of 10 x 2048 x 768 values (qkv is 3 x 768 wide) and the
        // 4 x 12 x 512 x 512 probabilities lose two bytes each, 315 MB + 252 MB.
        ModelShape s = ModelShape.gpt(768, 10, 64);
        ActivationStorage bf16 = ActivationStorage.choose("test", java.util.EnumSet.allOf(Capability.class),
                new ModelPrecision(OperandFormat.BF16, false));
        assertEquals(10L * 10 * 2048 * 768 * 2 + 10L * 4 * 12 * 512 * 512 * 2, ActivationFootprint.of(s, 4, 512, false).totalBytes()
                - ActivationFootprint.of(s, 4, 512, false, bf16).totalBytes());
    }

    /**
     * Fused attention saves each row's log-sum-exp instead of the probabilities: where the backend declares it, the run
     * is bf16 with bf16 score gradients and the head size is covered. At the 111M shape, seq 2048 x batch 8 (as the
     * stand-in dry run reports: 18,546,950,144 bytes unfused, 10,501,750,784 fused), ten layers of 8 x 12 x 2048^2
     * bf16 probabilities give way to 8 x 12 x 2048 float32 values.
     */
    @Test
    void fusedAttentionSavesLogSumExpsInsteadOfProbabilities() {
        java.util.Set<Capability> all = java.util.EnumSet.allOf(Capability.class);
        ModelPrecision bf16 = new ModelPrecision(OperandFormat.BF16, false);
        ActivationStorage fused = ActivationStorage.choose("cuda", all, bf16, 64);
        assertTrue(fused.fusedAttention());
        assertEquals("bf16, fused attention", fused.describe());
        assertFalse(ActivationStorage.choose("cuda", all, bf16).fusedAttention(), "no head size, no fusion");
        assertFalse(ActivationStorage.choose("cuda", all, bf16, 24).fusedAttention(), "heads of 24");
        assertFalse(ActivationStorage.choose("cuda", all, bf16, 256).fusedAttention(), "heads of 256");
        assertFalse(ActivationStorage.choose("cuda", all, new ModelPrecision(OperandFormat.BF16, true), 64)
                .fusedAttention(), "float32 score gradients");
        assertFalse(ActivationStorage.choose("cuda", all, bf16.withUnfusedAttention(), 64).fusedAttention());
        assertFalse(ActivationStorage.choose("cuda", all, bf16.withFloat32Activations(), 64).fusedAttention(),
                "float32 activations");
        assertFalse(ActivationStorage.choose("cpu", java.util.EnumSet.complementOf(
                java.util.EnumSet.of(Capability.FUSED_ATTENTION)), bf16, 64).fusedAttention(), "not declared");
        assertFalse(ActivationStorage.choose("cuda", all, new ModelPrecision(OperandFormat.FP16, false), 64)
                .fusedAttention(), "fp16");
        ModelShape s = ModelShape.gpt(768, 10, 64);
        ActivationStorage saved = ActivationStorage.choose("cuda", all, bf16);
        assertEquals(18_546_950_144L, ActivationFootprint.of(s, 8, 2048, false, saved).totalBytes());
        assertEquals(18_546_950_144L - 10L * 8 * 12 * 2048 * 2048 * 2 + 10L * 8 * 12 * 2048 * 4,
                ActivationFootprint.of(s, 8, 2048, false, fused).totalBytes());
        assertEquals(10_501_750_784L, ActivationFootprint.of(s, 8, 2048, false, fused).totalBytes());
        assertEquals(8L * 50257 * 2048, ActivationFootprint.of(s, 8, 2048, false, fused).largestValues(),
                "the logits are the largest buffer once no T x T matrix is kept");
        // The footprint is what Activations allocates: log-sum-exps (float32) where the probabilities were.
        ModelShape[] shapes = {ModelShape.withHeads(97, 70, 2, 2, 32, 128), ModelShape.gpt(768, 10, 64)};
        int[][] batches = {{2, 70}, {2, 256}};
        for (int i = 0; i < shapes.length; i++) {
            for (boolean recompute : new boolean[] {false, true}) {
                CountingScope scope = new CountingScope();
                Activations act = new Activations(scope, shapes[i], batches[i][0], batches[i][1], recompute, fused);
                ActivationFootprint f = ActivationFootprint.of(shapes[i], batches[i][0], batches[i][1], recompute,
                        fused);
                String what = shapes[i] + " fused" + (recompute ? ", recomputed" : "");
                assertEquals(null, act.att, what);
                assertEquals(recompute ? 1 : shapes[i].nLayers(), act.lse.length, what);
                assertEquals(OperandFormat.FP32, act.lse[0].format(), what);
                assertEquals(scope.total, f.totalValues(), what);
                assertEquals(scope.sixteen, f.sixteenBitValues(), what);
                assertEquals(scope.bytes, f.totalBytes(), what);
                assertEquals(scope.largest, f.largestValues(), what);
            }
        }
    }

    /**
     * {@link Capability#FUSED_ATTENTION_FP32}: a float32 run with heads of 16 to 64 channels saves log-sum-exps, and its
     * footprint is what {@link Activations} allocates then.
     */
    @Test
    void float32FusedAttentionSavesLogSumExpsToo() {
        java.util.Set<Capability> all = java.util.EnumSet.allOf(Capability.class);
        ActivationStorage fused = ActivationStorage.choose("cuda", all, ModelPrecision.FP32, 64);
        assertTrue(fused.fusedAttention());
        assertEquals(OperandFormat.FP32, fused.format());
        assertEquals("fp32, fused attention", fused.describe());
        assertFalse(ActivationStorage.choose("cuda", all, ModelPrecision.FP32, 80).fusedAttention(),
                "heads of 80 are wider than the float32 kernels take");
        assertFalse(ActivationStorage.choose("cuda", all, ModelPrecision.FP32, 24).fusedAttention(), "heads of 24");
        assertFalse(ActivationStorage.choose("cuda", all, ModelPrecision.FP32.withUnfusedAttention(), 64)
                .fusedAttention());
        assertFalse(ActivationStorage.choose("cuda", java.util.EnumSet.complementOf(
                java.util.EnumSet.of(Capability.FUSED_ATTENTION_FP32)), ModelPrecision.FP32, 64).fusedAttention(),
                "not declared (FUSED_ATTENTION alone is the bf16 attention's)");
        assertEquals(ActivationStorage.FP32, ActivationStorage.choose("cuda", all, ModelPrecision.FP32),
                "no head size, no fusion");
        ModelShape s = ModelShape.gpt(768, 10, 64);
        assertEquals(ActivationFootprint.of(s, 8, 2048, false, ActivationStorage.FP32).totalBytes()
                        - 10L * 8 * 12 * 2048 * 2048 * 4 + 10L * 8 * 12 * 2048 * 4,
                ActivationFootprint.of(s, 8, 2048, false, fused).totalBytes(),
                "1.6 GB of float32 probabilities a layer become 786 KB of log-sum-exps");
        ModelShape small = ModelShape.withHeads(97, 70, 2, 2, 32, 128);
        for (boolean recompute : new boolean[] {false, true}) {
            CountingScope scope = new CountingScope();
            Activations act = new Activations(scope, small, 2, 70, recompute, fused);
            ActivationFootprint f = ActivationFootprint.of(small, 2, 70, recompute, fused);
            assertEquals(null, act.att);
            assertEquals(OperandFormat.FP32, act.lse[0].format());
            assertEquals(scope.bytes, f.totalBytes(), "recompute " + recompute);
            assertEquals(0, scope.sixteen);
        }
    }

    /** Without the storage capability, or in fp16 and fp32 runs, every activation is float32 and the reason said. */
    @Test
    void fallsBackToFloat32StorageWithTheReason() {
        ModelPrecision bf16 = new ModelPrecision(OperandFormat.BF16, false);
        ActivationStorage none = ActivationStorage.choose("opencl",
                java.util.EnumSet.complementOf(java.util.EnumSet.of(Capability.BF16_STORAGE)), bf16);
        assertEquals(OperandFormat.FP32, none.format());
        assertEquals("fp32 (backend 'opencl' stores float32 tensors only)", none.describe());
        // A backend whose configured kernels, not the backend, keep float32 says so (CUDA's baseline kernels).
        assertEquals("fp32 (the baseline kernels store float32 tensors only)", ActivationStorage.choose("cuda",
                java.util.EnumSet.complementOf(java.util.EnumSet.of(Capability.BF16_STORAGE)), bf16, 64,
                "the baseline kernels store float32 tensors only").describe());
        assertEquals("fp32", ActivationStorage.choose("cpu", java.util.EnumSet.allOf(Capability.class),
                ModelPrecision.FP32).describe());
        assertEquals("bf16", ActivationStorage.choose("cpu", java.util.EnumSet.allOf(Capability.class), bf16)
                .describe());
        assertEquals("bf16 (ln1 fp32)", ActivationStorage.choose("cpu", java.util.EnumSet.allOf(Capability.class),
                new ModelPrecision(OperandFormat.BF16, true)).describe());
        assertEquals("fp32 (kept float32 for this run)", ActivationStorage.choose("cpu",
                java.util.EnumSet.allOf(Capability.class), bf16.withFloat32Activations()).describe());
        assertTrue(ActivationStorage.choose("cpu", java.util.EnumSet.allOf(Capability.class),
                new ModelPrecision(OperandFormat.FP16, false)).describe().startsWith("fp32 (fp16 "));
    }

    /**
     * Recomputation keeps one block's inner activations instead of one per layer: on the 111M shape at seq 512 x
     * batch 4 the footprint drops by (L - 1) blocks less their kept outputs, to 0.71 GB (0.41 GB of it the logits).
     */
    @Test
    void recomputationKeepsOneBlockOfInnerActivations() {
        ModelShape s = ModelShape.gpt(768, 10, 64);
        long n = 4L * 512;
        long kept = ActivationFootprint.of(s, 4, 512, false).totalValues();
        long recomputed = ActivationFootprint.of(s, 4, 512, true).totalValues();
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
        assertEquals(scope.largest, ActivationFootprint.of(s, 8, 2048).largestValues());
    }
}
