package dev.wafer.ports.compute;

import java.util.EnumSet;
import java.util.Set;

/**
 * A compute device and its kernels. Whoever opens a backend closes it (it may own threads or a device context).
 * Kernel accessors return stateless-for-the-caller objects that may be cached; a family the backend does not
 * declare fails with {@link MissingCapabilityException}.
 */
public interface ComputeBackend extends AutoCloseable {
    /** Short name, e.g. {@code cpu}. */
    String name();

    /** Everything this backend can do; an immutable set. */
    Set<Capability> capabilities();

    /**
     * Fails up front unless every capability in {@code needed} is declared.
     *
     * @throws MissingCapabilityException naming the absent ones
     */
    default void require(Set<Capability> needed) {
        EnumSet<Capability> missing = needed.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(needed);
        missing.removeAll(capabilities());
        if (!missing.isEmpty()) {
            throw new MissingCapabilityException(name(), missing);
        }
    }

    /** A new allocation scope; close it to free its tensors. */
    TensorScope openScope();

    /** @throws MissingCapabilityException unless {@link Capability#ENCODER} is declared */
    EncoderKernel encoder();

    /** @throws MissingCapabilityException unless {@link Capability#LAYER_NORM} is declared */
    LayerNormKernel layerNorm();

    /** @throws MissingCapabilityException unless {@link Capability#MATMUL} is declared */
    MatmulKernel matmul();

    /** @throws MissingCapabilityException unless {@link Capability#ATTENTION} is declared */
    AttentionKernel attention();

    /** @throws MissingCapabilityException unless {@link Capability#GELU} is declared */
    GeluKernel gelu();

    /** @throws MissingCapabilityException unless {@link Capability#RESIDUAL} is declared */
    ResidualKernel residual();

    /** @throws MissingCapabilityException unless {@link Capability#SOFTMAX_CROSS_ENTROPY} is declared */
    CrossEntropyKernel crossEntropy();

    /** @throws MissingCapabilityException unless {@link Capability#ADAMW} is declared */
    AdamWKernel adamW();

    /** @throws MissingCapabilityException unless {@link Capability#REDUCTIONS} is declared */
    ReductionKernel reductions();

    /** Releases threads and device resources. Tensors of still-open scopes become invalid. */
    @Override
    void close();
}
