package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wafer.ports.compute.Tensor;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The bf16 linear layer on oneDNN against the same products through the float32 entry of {@link OneDnnBf16Gemm}
 * (both operands rounded on every call), bit for bit, over two "optimizer steps" that change the weight, input and
 * output gradient in place between calls: a kernel that reused a stale bf16 copy of any operand would differ in the
 * second step. Skips where libdnnl.so.2 is absent, fails instead under WAFER_EXPECT_ONEDNN=1.
 */
class OneDnnMatmulTest {
    private static final long SEED = 20261201L;

    @Test
    void forwardAndBackwardFollowOperandsChangedInPlace() {
        check(OneDnnMatmul.GRADIENT_BLOCK, 80, true);
        check(OneDnnMatmul.GRADIENT_BLOCK, 80, false); // the scalar copy-out (bias added there too)
    }

    /**
     * An output gradient larger than the block (the LM head's) is rounded and used in blocks of columns: 17-column
     * blocks over 80 columns (the last one partial) give, bit for bit, the products of the same blocks through the
     * float32 entry: each block's rows of the weight gradient in one product, the input gradient added block after
     * block.
     */
    @Test
    void aLargeOutputGradientIsUsedInBlocksOfColumns() {
        check(17 * 67, 17, true);
    }

    private static void check(long gradientBlock, int blockColumns, boolean vectorized) {
        OneDnn.Loaded loaded = OneDnn.load();
        if ("1".equals(System.getenv("WAFER_EXPECT_ONEDNN"))) {
            assertTrue(loaded.library().isPresent(), "WAFER_EXPECT_ONEDNN=1 but " + loaded.reason());
        }
        assumeTrue(loaded.library().isPresent(), loaded.reason());
        int n = 67;
        int c = 96;
        int oc = 80;
        SplittableRandom random = new SplittableRandom(SEED);
        try (Parallel parallel = new Parallel(2); CpuScope scope = new CpuScope()) {
            CpuMatmul fp32 = new CpuMatmul(new ScalarSgemm(parallel), parallel);
            OneDnnMatmul kernel = new OneDnnMatmul(new OneDnnBf16Gemm(loaded.library().get(), parallel, vectorized), fp32,
                    gradientBlock);
            assertEquals(blockColumns, OneDnnBf16Gemm.rowsPerBlock(oc, n, gradientBlock));
            OneDnnBf16Gemm reference = new OneDnnBf16Gemm(loaded.library().get(), parallel, false);
            Tensor x = scope.allocate((long) n * c);
            Tensor w = scope.allocate((long) oc * c);
            Tensor bias = scope.allocate(oc);
            Tensor g = scope.allocate((long) n * oc);
            Tensor out = scope.allocate((long) n * oc);
            Tensor dx = scope.allocate((long) n * c);
            Tensor dw = scope.allocate((long) oc * c);
            Tensor db = scope.allocate(oc);
            float[] expectedDw = new float[oc * c];
            for (int step = 0; step < 2; step++) {
                // New values written into the same arrays, as an optimizer step and the next batch do.
                for (Tensor t : new Tensor[] {x, w, bias, g}) {
                    t.copyFromHost(randoms(random, (int) t.length()));
                }
                kernel.forward(out, x, w, bias, n, c, oc);
                float[] expectedOut = new float[n * oc];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(bias.toHost(), 0, expectedOut, i * oc, oc);
                }
                reference.gemm(false, true, n, oc, c, x.toHost(), 0, c, w.toHost(), 0, c, expectedOut, 0, oc, true);
                assertBits(expectedOut, out.toHost(), "step " + step + " forward");

                kernel.backward(dx, dw, db, g, x, w, n, c, oc);
                float[] expectedDx = new float[n * c];
                for (int o0 = 0; o0 < oc; o0 += blockColumns) {
                    int ocb = Math.min(blockColumns, oc - o0);
                    reference.gemm(false, false, n, c, ocb, g.toHost(), o0, oc, w.toHost(), o0 * c, c, expectedDx,
                            0, c, o0 > 0);
                    reference.gemm(true, false, ocb, c, n, g.toHost(), o0, oc, x.toHost(), 0, c, expectedDw,
                            o0 * c, c, true);
                }
                assertBits(expectedDx, dx.toHost(), "step " + step + " input gradient");
                assertBits(expectedDw, dw.toHost(), "step " + step + " weight gradient (accumulated)");
            }
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    what + " at " + i + ": " + expected[i] + " vs " + actual[i] + " (seed " + SEED + ")");
        }
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
