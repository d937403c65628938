package dev.wafer.ports.compute;

/** Whole-tensor helpers: the pieces of the global gradient norm, clipping and zeroing. */
public interface ReductionKernel {
    /**
     * Sum of squares of the first {@code n} elements, accumulated in double. The global gradient norm is the square
     * root of the sum of this over every gradient tensor; a NaN or infinity anywhere makes the result non-finite.
     */
    double sumOfSquares(Tensor x, int n);

    /** {@code x *= factor} over the first {@code n} elements (gradient clipping, loss scaling). */
    void scale(Tensor x, int n, float factor);

    /** {@code x = value} over the first {@code n} elements (zeroing gradients). */
    void fill(Tensor x, int n, float value);
}
