package dev.wafer.adapters.cpu;

/**
 * Single-precision matrix multiply on row-major arrays: {@code C(m,n) (+)= op(A)(m,k) · op(B)(k,n)}.
 * {@code op(A)(i,p)} is {@code a[aOff + i*lda + p]}, or {@code a[aOff + p*lda + i]} when {@code transA};
 * {@code op(B)(p,j)} is {@code b[bOff + p*ldb + j]}, or {@code b[bOff + j*ldb + p]} when {@code transB}.
 * With {@code accumulate} the product is added to C, otherwise C is overwritten.
 */
interface Sgemm {
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, boolean accumulate);

    /** A short description for benchmarks, e.g. {@code vector 16 lanes}. */
    String describe();
}
