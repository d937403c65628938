package dev.wafer.ports.compute;

/**
 * A one-dimensional buffer on a compute device, owned by the {@link TensorScope} that allocated it: float32, or, on
 * a backend with {@link Capability#BF16_STORAGE}, bfloat16 ({@link #format()}). Shapes are a convention between
 * caller and kernel (row-major); a tensor only knows its length. Views made with {@link #slice} share storage (and
 * format) with their parent and are valid as long as the owning scope is open. The host copies work in float32
 * whatever the storage: a 16-bit tensor rounds what it is given (nearest even) and widens what it gives (exact).
 */
public interface Tensor {
    /** Number of elements. */
    long length();

    /**
     * How the elements are stored: {@link OperandFormat#FP32} (the default) or, where the backend declares
     * {@link Capability#BF16_STORAGE}, {@link OperandFormat#BF16}; which kernels take a bf16 tensor is listed there.
     */
    default OperandFormat format() {
        return OperandFormat.FP32;
    }

    /**
     * A view of {@code length} elements starting at {@code offset}; writes through the view change this tensor.
     *
     * @throws IndexOutOfBoundsException if the range does not lie within this tensor
     */
    Tensor slice(long offset, long length);

    /**
     * Copies {@code count} floats from host memory into this tensor, starting at element {@code offset}.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    void copyFromHost(float[] src, int srcOffset, long offset, int count);

    /**
     * Copies {@code count} floats from this tensor, starting at element {@code offset}, into host memory.
     *
     * @throws IndexOutOfBoundsException if either range is out of bounds
     */
    void copyToHost(long offset, float[] dst, int dstOffset, int count);

    /** Copies the whole of {@code src} into the start of this tensor. */
    default void copyFromHost(float[] src) {
        copyFromHost(src, 0, 0, src.length);
    }

    /** Reads the whole tensor into a new host array; for tests and checkpoints, not for hot loops. */
    default float[] toHost() {
        long n = length();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalStateException("tensor of " + n + " elements does not fit a Java array");
        }
        float[] out = new float[(int) n];
        copyToHost(0, out, 0, out.length);
        return out;
    }
}
