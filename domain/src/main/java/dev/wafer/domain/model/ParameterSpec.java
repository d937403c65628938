package dev.wafer.domain.model;

import java.util.Arrays;

/**
 * One parameter tensor of a layout: its name, shape (layers stacked first where per-layer) and its place in the
 * flat allocation.
 *
 * @param name   which tensor, e.g. {@link ParameterName#QKV_WEIGHT}
 * @param shape  row-major shape, e.g. {@code (L, 3C, C)}
 * @param offset first element in the flat parameter tensor
 */
public record ParameterSpec(ParameterName name, int[] shape, long offset) {
    /** Copies {@code shape} so the record stays immutable. */
    public ParameterSpec {
        shape = shape.clone();
    }

    /** What the tensor is for; the name's role. */
    public ParameterRole role() {
        return name.role();
    }

    /** Number of elements. */
    public long count() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /** Row-major shape; a copy. */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p && p.name == name && p.offset == offset && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name.id() + Arrays.toString(shape);
    }
}
