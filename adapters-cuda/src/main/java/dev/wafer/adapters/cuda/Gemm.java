package dev.wafer.adapters.cuda;

/**
 * One column-major SGEMM as cuBLAS takes it, {@code C(m,n) = alpha op(A) op(B) + beta C}, with the leading
 * dimensions checked as cuBLAS checks them ({@code lda >= max(1, transA ? k : m)}, {@code ldb >= max(1, transB ? n
 * : k)}, {@code ldc >= max(1, m)}), so that a wrong call fails here with the numbers instead of on the device.
 * Row-major tensors are their column-major transposes, which is how the matmul kernel maps llm.c's layout.
 */
record Gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
            float beta, long c, int ldc) {

    Gemm {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("GEMM of m=" + m + ", n=" + n + ", k=" + k + " is empty");
        }
        require("lda", lda, transA ? k : m);
        require("ldb", ldb, transB ? n : k);
        require("ldc", ldc, m);
    }

    private static void require(String name, int value, int rows) {
        if (value < Math.max(1, rows)) {
            throw new IllegalArgumentException(name + "=" + value + " is below the " + rows + " rows it must span");
        }
    }

    @Override
    public String toString() {
        return "sgemm " + (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k
                + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " beta=" + beta;
    }
}
