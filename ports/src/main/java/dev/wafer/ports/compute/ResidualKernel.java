package dev.wafer.ports.compute;

/** Element-wise addition: the residual connection, and the sum of two activation-gradient paths. */
public interface ResidualKernel {
    /** {@code out = a + b}. @param out (N) written; may alias {@code a} or {@code b} */
    void forward(Tensor out, Tensor a, Tensor b, int n);

    /**
     * Both inputs of a residual add receive the output gradient: {@code da = dout; db = dout} (written).
     * Either of {@code da}, {@code db} may be {@code null} when that path needs nothing.
     */
    void backward(Tensor da, Tensor db, Tensor dout, int n);
}
