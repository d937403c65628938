package dev.wafer.adapters.cuda;

/**
 * What a bias-epilogue plan depends on ({@link CudaGpu#gemmBias}): the product's shape, transposes, leading
 * dimensions and operand type, and the alignment of A, B and D, which cuBLASLt's heuristic assumes to be 256 bytes
 * unless told ({@code CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_*_BYTES}). Pointers themselves are not part of it: one plan
 * serves every call of the same shape.
 */
record BiasShape(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc, int operandType,
                 int alignA, int alignB, int alignD) {

    /** The largest alignment cuBLASLt asks about. */
    static final int MAX_ALIGNMENT = 256;

    static BiasShape of(Gemm g, int operandType) {
        return new BiasShape(g.transA(), g.transB(), g.m(), g.n(), g.k(), g.lda(), g.ldb(), g.ldc(), operandType,
                alignment(g.a()), alignment(g.b()), alignment(g.c()));
    }

    /** The largest power of two up to {@link #MAX_ALIGNMENT} that divides {@code pointer}. */
    static int alignment(long pointer) {
        return pointer == 0 ? MAX_ALIGNMENT : (int) Math.min(MAX_ALIGNMENT, Long.lowestOneBit(pointer));
    }

    /** The minimum alignments of A, B, C and D, in that order (C is D). */
    int[] alignments() {
        return new int[] {alignA, alignB, alignD, alignD};
    }

    @Override
    public String toString() {
        return (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " "
                + (operandType == CublasApi.R_32F ? "fp32" : operandType == CublasApi.R_16BF ? "bf16" : "fp16")
                + " operands";
    }
}
