package dev.wafer.ports.compute;

/** Whole-tensor helpers: the pieces of the global gradient norm, clipping and zeroing. */
public interface ReductionKernel {
    /**
     * Sum of squares of the first {@code n} elements, accumulated in double (or with a double's precision: the OpenCL
     * backend adds pairs of floats, so a square or partial sum past float's range, 3.4e38, is infinite there). The
     * global gradient norm is the square root of the sum of this over every gradient tensor; a NaN or infinity
     * anywhere makes the result non-finite.
     */
    double sumOfSquares(Tensor x, int n);

    /**
     * {@link #sumOfSquares} of each tensor, {@code sums[i]} of the first {@code counts[i]} elements of
     * {@code tensors[i]}: the pieces of the global gradient norm in one call, so that a device backend brings them
     * all back in one copy instead of one round trip per tensor. The default calls {@link #sumOfSquares} per tensor.
     *
     * @param sums receives the results; at least as long as {@code tensors}
     * @throws IllegalArgumentException when the arrays' lengths disagree
     */
    default void sumsOfSquares(Tensor[] tensors, int[] counts, double[] sums) {
        checkSumsOfSquares(tensors, counts, sums);
        for (int i = 0; i < tensors.length; i++) {
            sums[i] = sumOfSquares(tensors[i], counts[i]);
        }
    }

    /** {@code x *= factor} over the first {@code n} elements (gradient clipping, loss scaling). */
    void scale(Tensor x, int n, float factor);

    /** {@code x = value} over the first {@code n} elements (zeroing gradients). */
    void fill(Tensor x, int n, float value);

    /**
     * The argument check of {@link #sumsOfSquares}, for implementations that override it.
     *
     * @param tensors the tensors
     * @param counts  one count per tensor
     * @param sums    at least one slot per tensor
     * @throws IllegalArgumentException when the arrays' lengths disagree
     */
    static void checkSumsOfSquares(Tensor[] tensors, int[] counts, double[] sums) {
        if (counts.length != tensors.length || sums.length < tensors.length) {
            throw new IllegalArgumentException(tensors.length + " tensors, " + counts.length + " counts and "
                    + sums.length + " results");
        }
    }
}
