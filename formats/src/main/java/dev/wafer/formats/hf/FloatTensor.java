package dev.wafer.formats.hf;

import java.util.Arrays;

/**
 * A float32 tensor held in one row-major array.
 *
 * @param shape dimensions ({@code []} for a scalar)
 * @param data  row-major values; its length is the product of the dimensions
 */
public record FloatTensor(int[] shape, float[] data) {
    /** Checks that the data fits the shape. The arrays are not copied: a tensor can hold hundreds of megabytes. */
    public FloatTensor {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n *= d;
        }
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n + " values, not " + data.length);
        }
    }

    /** Whether the shape equals {@code expected}. */
    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The shape as text, e.g. {@code [768, 2304]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    /** A copy with every element multiplied by {@code factor} (computed in float, as PyTorch would). */
    public FloatTensor times(float factor) {
        float[] out = data.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= factor;
        }
        return new FloatTensor(shape.clone(), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "FloatTensor" + shapeText();
    }
}
