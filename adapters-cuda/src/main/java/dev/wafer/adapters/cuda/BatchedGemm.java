package dev.wafer.adapters.cuda;

/**
 * {@code count} column-major GEMMs of one shape whose operands lie at fixed element strides, as
 * {@code cublasGemmStridedBatchedEx} takes them: the attention products of every (sequence, head) pair in one call.
 * The shape's leading dimensions are checked as {@link Gemm} checks them, and each operand's stride must keep the
 * matrices from overlapping, so that a wrong call fails here with the numbers instead of on the device.
 */
record BatchedGemm(Gemm shape, long strideA, long strideB, long strideC, int count) {

    BatchedGemm {
        if (count < 1) {
            throw new IllegalArgumentException("a batched GEMM needs at least one product, found " + count);
        }
        // C is written, so its matrices must not overlap: one after another, or side by side within the leading
        // dimension (the heads of one sequence); A and B may be shared (stride 0) or interleaved.
        long cSpan = (long) shape.ldc() * (shape.n() - 1) + shape.m();
        boolean sequential = strideC >= cSpan;
        boolean sideBySide = shape.m() <= strideC && strideC * (count - 1L) + shape.m() <= shape.ldc();
        if (count > 1 && !sequential && !sideBySide) {
            throw new IllegalArgumentException("strideC=" + strideC + " makes the " + count + " output matrices of "
                    + shape.m() + " x " + shape.n() + " (ldc " + shape.ldc() + ") overlap");
        }
        if (strideA < 0 || strideB < 0) {
            throw new IllegalArgumentException("negative operand stride: " + strideA + ", " + strideB);
        }
    }

    boolean transA() {
        return shape.transA();
    }

    boolean transB() {
        return shape.transB();
    }

    int m() {
        return shape.m();
    }

    int n() {
        return shape.n();
    }

    int k() {
        return shape.k();
    }

    float alpha() {
        return shape.alpha();
    }

    float beta() {
        return shape.beta();
    }

    long a() {
        return shape.a();
    }

    long b() {
        return shape.b();
    }

    long c() {
        return shape.c();
    }

    int lda() {
        return shape.lda();
    }

    int ldb() {
        return shape.ldb();
    }

    int ldc() {
        return shape.ldc();
    }

    @Override
    public String toString() {
        return count + " x " + shape + " strides " + strideA + "/" + strideB + "/" + strideC;
    }
}
