package dev.wafer.ports.checkpoint;

import java.nio.FloatBuffer;

/**
 * A tensor that a checkpoint writer pulls from in chunks, so that parameters living in one large flat
 * allocation (or on a device) never need to be copied into a single array just to be saved.
 */
public interface TensorSource {
    /** The tensor's name and shape. */
    TensorSpec spec();

    /**
     * Copies {@code destination.remaining()} elements, starting at element {@code firstElement} of the tensor in
     * row-major order, into {@code destination}, advancing its position by that many elements.
     *
     * @param firstElement index of the first element to copy, {@code 0 <= firstElement < spec().elementCount()}
     * @param destination  buffer to fill; never asks for more elements than remain in the tensor
     */
    void copyTo(long firstElement, FloatBuffer destination);

    /** A source over a heap array (row-major, length equal to the element count of {@code spec}). */
    static TensorSource of(TensorSpec spec, float[] data) {
        if (data.length != spec.elementCount()) {
            throw new IllegalArgumentException("tensor " + spec.name() + " has shape " + spec.shapeText() + " ("
                    + spec.elementCount() + " elements) but " + data.length + " values were given");
        }
        return new TensorSource() {
            @Override
            public TensorSpec spec() {
                return spec;
            }

            @Override
            public void copyTo(long firstElement, FloatBuffer destination) {
                destination.put(data, Math.toIntExact(firstElement), destination.remaining());
            }
        };
    }
}
