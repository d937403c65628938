package dev.wafer.domain.model;

import java.util.Arrays;

/**
 * One named parameter tensor: llm.c-style name, role, shape (layers stacked first where per-layer) and its place
 * in the flat allocation.
 *
 * @param name e.g. {@code qkvw}
 * @param role what it is for
 * @param shape row-major shape, e.g. {@code (L, 3C, C)}
 * @param offset first element in the flat parameter tensor
 */
public record ParameterSpec(String name, ParameterRole role, int[] shape, long offset) {
    public ParameterSpec {
        shape = shape.clone();
    }

    /** Number of elements. */
    public long count() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParameterSpec p && p.name.equals(name) && p.role == role && p.offset == offset
                && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
