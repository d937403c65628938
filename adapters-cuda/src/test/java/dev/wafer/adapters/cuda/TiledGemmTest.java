package dev.wafer.adapters.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The mapping of a column-major cuBLAS call onto the built-in row-major {@code gemm_tiled} kernel, checked by
 * evaluating the kernel's indexing in Java (the same expressions as {@code gemm.cu}) on float arrays that stand for
 * device memory, against a direct column-major product, for every transpose combination, accumulation and the three
 * calls the matmul kernel makes.
 */
class TiledGemmTest {
    private static final long SEED = 20261130L;

    /** gemm_tiled on host memory: c, a, b are offsets (in floats) into {@code mem}, args as KernelArgs packs them. */
    private static void emulate(float[] mem, long base, Gemm g) {
        KernelArgs args = TiledGemm.args(g);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            var packed = args.pack(arena);
            long[] v = new long[12];
            for (int i = 0; i < 12; i++) {
                var value = packed.getAtIndex(java.lang.foreign.ValueLayout.ADDRESS, i).reinterpret(8);
                v[i] = i < 3 ? value.get(java.lang.foreign.ValueLayout.JAVA_LONG, 0)
                        : value.get(java.lang.foreign.ValueLayout.JAVA_INT, 0);
            }
            int c = (int) ((v[0] - base) / 4);
            int a = (int) ((v[1] - base) / 4);
            int b = (int) ((v[2] - base) / 4);
            int rows = (int) v[3];
            int cols = (int) v[4];
            int inner = (int) v[5];
            LaunchGeometry geo = TiledGemm.geometry(g);
            assertEquals(true, (long) geo.gridX() * geo.blockX() >= cols && (long) geo.gridY() * geo.blockY() >= rows);
            for (int row = 0; row < rows; row++) {
                for (int col = 0; col < cols; col++) {
                    float acc = 0f;
                    for (int k = 0; k < inner; k++) {
                        acc += mem[a + (int) (row * v[6] + k * v[7])] * mem[b + (int) (k * v[8] + col * v[9])];
                    }
                    int at = c + (int) (row * v[10] + col);
                    mem[at] = v[11] != 0 ? mem[at] + acc : acc;
                }
            }
        }
    }

    /** Column-major C = op(A) op(B) + beta C, directly. */
    private static float[] reference(float[] mem, int a, int b, float[] c0, Gemm g) {
        float[] c = c0.clone();
        for (int i = 0; i < g.m(); i++) {
            for (int j = 0; j < g.n(); j++) {
                float acc = 0f;
                for (int k = 0; k < g.k(); k++) {
                    float x = g.transA() ? mem[a + k + i * g.lda()] : mem[a + i + k * g.lda()];
                    float y = g.transB() ? mem[b + j + k * g.ldb()] : mem[b + k + j * g.ldb()];
                    acc += x * y;
                }
                c[i + j * g.ldc()] = g.beta() * c[i + j * g.ldc()] + acc;
            }
        }
        return c;
    }

    @Test
    void everyTransposeAndAccumulationMatchesTheColumnMajorProduct() {
        SplittableRandom random = new SplittableRandom(SEED);
        long base = 0x7f00_0000_0000L;
        int m = 7;
        int n = 5;
        int k = 19;
        for (boolean ta : List.of(false, true)) {
            for (boolean tb : List.of(false, true)) {
                for (float beta : new float[] {0f, 1f}) {
                    int lda = (ta ? k : m) + 1;
                    int ldb = (tb ? n : k) + 2;
                    int ldc = m + 3;
                    int a = 0;
                    int b = a + lda * (ta ? m : k);
                    int c = b + ldb * (tb ? k : n);
                    float[] mem = new float[c + ldc * n];
                    for (int i = 0; i < mem.length; i++) {
                        mem[i] = (float) random.nextDouble(-1, 1);
                    }
                    Gemm g = new Gemm(ta, tb, m, n, k, 1f, base + 4L * a, lda, base + 4L * b, ldb, beta,
                            base + 4L * c, ldc);
                    float[] c0 = java.util.Arrays.copyOfRange(mem, c, mem.length);
                    float[] expected = reference(mem, a, b, c0, g);
                    emulate(mem, base, g);
                    float[] actual = java.util.Arrays.copyOfRange(mem, c, mem.length);
                    float[] e = expected;
                    for (int i = 0; i < e.length; i++) {
                        assertEquals(e[i], actual[i], 1e-5f, "ta=" + ta + " tb=" + tb + " beta=" + beta + " at " + i
                                + " (seed " + SEED + ")");
                    }
                }
            }
        }
    }

    @Test
    void onlyUnitAlphaAndZeroOrUnitBetaAreTaken() {
        assertThrows(IllegalArgumentException.class,
                () -> TiledGemm.args(new Gemm(false, false, 2, 2, 2, 2f, 0, 2, 0, 2, 0f, 0, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> TiledGemm.args(new Gemm(false, false, 2, 2, 2, 1f, 0, 2, 0, 2, 0.5f, 0, 2)));
        assertArrayEquals(new int[] {2, 3}, new int[] {TiledGemm.geometry(new Gemm(false, false, 17, 33, 1, 1f, 0, 17,
                0, 1, 0f, 0, 17)).gridX(), TiledGemm.geometry(new Gemm(false, false, 17, 33, 1, 1f, 0, 17, 0, 1, 0f, 0,
                17)).gridY()});
    }
}
