package dev.wafer.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.wafer.ports.compute.OperandFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * oneDNN's bf16 matmul against the emulation it replaces: operands rounded to bf16, products summed in double.
 * Products of bf16 values are exact in float32, so the two differ only by float32 summation error. Skips where
 * libdnnl.so.2 is absent, fails instead under WAFER_EXPECT_ONEDNN=1 (CI installs Debian's libdnnl2).
 */
class OneDnnBf16GemmTest {
    private static final long SEED = 20261130L;

    private static OneDnn library() {
        OneDnn.Loaded loaded = OneDnn.load();
        if ("1".equals(System.getenv("WAFER_EXPECT_ONEDNN"))) {
            assertTrue(loaded.library().isPresent(), "WAFER_EXPECT_ONEDNN=1 but " + loaded.reason());
        }
        assumeTrue(loaded.library().isPresent(), loaded.reason());
        return loaded.library().get();
    }

    @Test
    void everyTranspositionMatchesTheRoundedDoubleProduct() {
        OneDnn library = library();
        try (Parallel parallel = new Parallel(2)) {
            // Scalar and Vector API rounding and copies; the large shape splits them over both workers.
            everyTransposition(new OneDnnBf16Gemm(library, parallel, false));
            everyTransposition(new OneDnnBf16Gemm(library, parallel, true));
        }
    }

    /**
     * A product over {@link OneDnnBf16Gemm#PRODUCT_BLOCK_FLOATS} runs in blocks of rows (the LM head's logits and its
     * weight gradient): every block, the last partial one included, lands in the right rows, transposed A or not.
     */
    @Test
    void productsLargerThanOneBlockRunInBlocksOfRows() {
        OneDnn library = library();
        int m = 1100;
        int n = 8000;
        assertTrue((long) m * n > OneDnnBf16Gemm.PRODUCT_BLOCK_FLOATS);
        assertEquals(1024, OneDnnBf16Gemm.rowsPerBlock(m, n));
        try (Parallel parallel = new Parallel(2)) {
            OneDnnBf16Gemm gemm = new OneDnnBf16Gemm(library, parallel, true);
            SplittableRandom random = new SplittableRandom(SEED + 1);
            for (int t = 0; t < 4; t++) {
                check(gemm, random, m, n, 12, (t & 1) != 0, (t & 2) != 0, t == 3);
            }
        }
    }

    @Test
    void openMpThreadsWaitPassivelyUnlessTheUserChose() throws Throwable {
        library();
        java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
        java.lang.invoke.MethodHandle getenv = linker.downcallHandle(linker.defaultLookup().find("getenv").orElseThrow(),
                java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS,
                        java.lang.foreign.ValueLayout.ADDRESS));
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment value = (java.lang.foreign.MemorySegment) getenv.invokeExact(
                    arena.allocateFrom(OneDnn.WAIT_POLICY));
            String expected = System.getenv(OneDnn.WAIT_POLICY) == null ? "passive" : System.getenv(OneDnn.WAIT_POLICY);
            assertEquals(expected, value.reinterpret(64).getString(0));
        }
    }

    private static void everyTransposition(OneDnnBf16Gemm gemm) {
        SplittableRandom random = new SplittableRandom(SEED);
        int[][] shapes = {{5, 7, 3}, {64, 48, 96}, {33, 129, 70}, {300, 257, 261}};
        for (int[] shape : shapes) {
            for (int t = 0; t < 4; t++) {
                for (boolean accumulate : new boolean[] {false, true}) {
                    check(gemm, random, shape[0], shape[1], shape[2], (t & 1) != 0, (t & 2) != 0, accumulate);
                }
            }
        }
        assertTrue(gemm.describe().startsWith("oneDNN 2."), gemm.describe());
    }

    private static void check(OneDnnBf16Gemm gemm, SplittableRandom random, int m, int n, int k, boolean transA,
                              boolean transB, boolean accumulate) {
        // Padded leading dimensions and offsets, so that strides and offsets are exercised too.
        int lda = (transA ? m : k) + 3;
        int ldb = (transB ? k : n) + 2;
        int ldc = n + 1;
        int aOff = 4;
        int bOff = 1;
        int cOff = 2;
        float[] a = randoms(random, aOff + (transA ? k : m) * lda);
        float[] b = randoms(random, bOff + (transB ? n : k) * ldb);
        float[] c = randoms(random, cOff + m * ldc);
        float[] before = c.clone();
        gemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        // The operands rounded to bf16 once, A by rows and B by columns, and the message formatted only on a failure:
        // done per element, the two took most of the 38 s this test ran for.
        double[] rowsOfA = new double[m * k];
        double[] columnsOfB = new double[n * k];
        for (int p = 0; p < k; p++) {
            for (int i = 0; i < m; i++) {
                rowsOfA[i * k + p] = bf16(transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
            }
            for (int j = 0; j < n; j++) {
                columnsOfB[j * k + p] = bf16(transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = accumulate ? before[cOff + i * ldc + j] : 0;
                double magnitude = Math.abs(sum);
                for (int p = 0; p < k; p++) {
                    double x = rowsOfA[i * k + p];
                    double y = columnsOfB[j * k + p];
                    sum += x * y;
                    magnitude += Math.abs(x * y);
                }
                // float32 accumulation of k exact products: at most about k ulps of the magnitude sum.
                double tolerance = 2 * (k + 1) * Math.ulp((float) magnitude);
                int row = i;
                int column = j;
                assertEquals(sum, c[cOff + i * ldc + j], tolerance, () -> String.format(
                        "seed %d, m %d n %d k %d transA %b transB %b accumulate %b at (%d,%d)", SEED, m, n, k, transA,
                        transB, accumulate, row, column));
            }
        }
        assertEquals(before[0], c[0], 0.0, "element before C's offset was written (seed " + SEED + ")");
    }

    private static double bf16(float x) {
        float[] one = {x};
        Rounding.inPlace(OperandFormat.BF16, one, 0, 1);
        return one[0];
    }

    private static float[] randoms(SplittableRandom random, int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
    }
}
