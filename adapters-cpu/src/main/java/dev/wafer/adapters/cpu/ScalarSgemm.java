package dev.wafer.adapters.cpu;

/**
 * The always-available GEMM: plain loops in i-p-j order (streams through rows of B and C), multithreaded over
 * rows of C. Also the baseline the Vector GEMM is benchmarked against.
 */
final class ScalarSgemm implements Sgemm {
    private final Parallel parallel;

    ScalarSgemm(Parallel parallel) {
        this.parallel = parallel;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean accumulate) {
        if (transB && !transA) {
            // Both operands are contiguous along k: a dot product per element streams two rows.
            parallel.range(m, 4, (w, from, to) -> {
                for (int i = from; i < to; i++) {
                    int ai = aOff + i * lda;
                    int ci = cOff + i * ldc;
                    for (int j = 0; j < n; j++) {
                        int bj = bOff + j * ldb;
                        float s = 0f;
                        for (int p = 0; p < k; p++) {
                            s += a[ai + p] * b[bj + p];
                        }
                        c[ci + j] = accumulate ? c[ci + j] + s : s;
                    }
                }
            });
            return;
        }
        parallel.range(m, 4, (w, from, to) -> {
            for (int i = from; i < to; i++) {
                int ci = cOff + i * ldc;
                if (!accumulate) {
                    java.util.Arrays.fill(c, ci, ci + n, 0f);
                }
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (aip == 0f) {
                        continue;
                    }
                    if (transB) {
                        for (int j = 0; j < n; j++) {
                            c[ci + j] += aip * b[bOff + j * ldb + p];
                        }
                    } else {
                        int bp = bOff + p * ldb;
                        for (int j = 0; j < n; j++) {
                            c[ci + j] += aip * b[bp + j];
                        }
                    }
                }
            }
        });
    }

    @Override
    public String describe() {
        return "scalar";
    }
}
