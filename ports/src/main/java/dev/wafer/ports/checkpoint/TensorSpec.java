package dev.wafer.ports.checkpoint;

import java.util.Arrays;
import java.util.Objects;

/**
 * The name and shape of one float32 tensor.
 *
 * @param name  unique name within a checkpoint, for example {@code "params/h.0.attn.qkv.weight"}
 * @param shape dimensions, outermost first; every dimension is positive (a scalar has shape {@code []})
 */
public record TensorSpec(String name, int[] shape) {
    /** Validates the name and shape and copies the shape so that the record stays immutable. */
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(shape, "shape");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("tensor name is empty");
        }
        shape = shape.clone();
        long elements = 1;
        for (int dim : shape) {
            if (dim <= 0) {
                throw new IllegalArgumentException("tensor " + name + " has a non-positive dimension: " + Arrays.toString(shape));
            }
            // Refused here, naming the tensor, rather than as an ArithmeticException from elementCount() later.
            if (elements > Long.MAX_VALUE / dim) {
                throw new IllegalArgumentException("tensor " + name + " of shape " + Arrays.toString(shape)
                        + " has more than 2^63-1 elements");
            }
            elements *= dim;
        }
    }

    /** Returns a copy of the shape. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Returns the number of elements: the product of the dimensions (1 for a scalar). */
    public long elementCount() {
        long n = 1;
        for (int dim : shape) {
            n = Math.multiplyExact(n, dim);
        }
        return n;
    }

    /** Returns true when this tensor has exactly the given shape. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Returns the shape as text, for example {@code [768, 2304]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec other && name.equals(other.name) && Arrays.equals(shape, other.shape);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + shapeText();
    }
}
