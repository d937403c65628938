package dev.wafer.formats.hf;

import java.util.Arrays;

/**
 * One tensor of a safetensors header.
 *
 * @param name   tensor name
 * @param dtype  dtype as written in the file ({@code "F32"}, {@code "BOOL"}, ...); only some are readable
 * @param shape  dimensions ({@code []} for a scalar)
 * @param begin  first byte, relative to the start of the data section
 * @param end    one past the last byte
 */
public record SafetensorsEntry(String name, String dtype, long[] shape, long begin, long end) {
    public SafetensorsEntry {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Product of the dimensions. */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** The shape as ints, for tensors Wafer can hold in one array. */
    public int[] intShape() {
        return Arrays.stream(shape).mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsEntry e && name.equals(e.name) && dtype.equals(e.dtype)
                && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
