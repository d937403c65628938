package dev.wafer.domain.model;

import dev.wafer.ports.compute.Tensor;

/**
 * Sees the tensors a mixed-precision pass rounds to 16 bits, at the points where they are rounded (a diagnostic:
 * the default observes nothing and costs one boolean test per pass). Calls happen only while {@link #active()}.
 */
public interface CastObserver {
    /** Observes nothing. */
    CastObserver NONE = new CastObserver() {
        @Override
        public boolean active() {
            return false;
        }

        @Override
        public void cast(String tensor, int layer, Tensor values, int count, boolean cast) {
        }

        @Override
        public void scoreGradients(int layer, Tensor att, Tensor dout, Tensor qkv, int b, int t, int c, int nh,
                                   float scale, boolean cast) {
        }
    };

    /** Whether the current pass is observed (checked once per pass). */
    boolean active();

    /**
     * {@code values[0, count)} are about to enter a matrix product.
     *
     * @param tensor the site's name, e.g. {@code ln1} or {@code d_qkv}
     * @param layer  the layer, or -1 outside the blocks
     * @param cast   whether the run rounds them to 16 bits ({@code false}: float32 by the run's choice or precision)
     */
    void cast(String tensor, int layer, Tensor values, int count, boolean cast);

    /**
     * The attention-softmax gradient {@code dS = P ⊙ (dO·Vᵀ − rowsum(P ⊙ dO·Vᵀ)) · scale} of layer {@code layer} is
     * formed from the saved probabilities {@code att}, the output gradient {@code dout} and V inside {@code qkv}; it
     * never leaves the attention kernel, so an observer recomputes it.
     *
     * @param cast whether the run rounds dS before {@code dS·K} and {@code dSᵀ·Q}
     */
    void scoreGradients(int layer, Tensor att, Tensor dout, Tensor qkv, int b, int t, int c, int nh, float scale,
                        boolean cast);
}
