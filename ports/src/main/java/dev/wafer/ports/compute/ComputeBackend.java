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

    /**
     * What was opened, for logs and reports: the device, its libraries and how its kernels were loaded.
     *
     * @return by default the {@link #name()}
     */
    default String description() {
        return name();
    }

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

    /**
     * The token and position embedding kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#ENCODER} is declared
     */
    EncoderKernel encoder();

    /**
     * The LayerNorm kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#LAYER_NORM} is declared
     */
    LayerNormKernel layerNorm();

    /**
     * The float32 matmul kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#MATMUL} is declared
     */
    MatmulKernel matmul();

    /**
     * The float32 attention kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#ATTENTION} is declared
     */
    AttentionKernel attention();

    /**
     * The matmul kernel whose three products (forward, input gradient, weight gradient) take their operands rounded
     * to {@code operands} (round to nearest, ties to even, as {@link OperandFormat#round} does) and accumulate in
     * float32 or wider; outputs are float32, the bias and its gradient stay float32. For {@link OperandFormat#FP32}
     * it is {@link #matmul()} itself. A backend that declares {@link OperandFormat#capability()} overrides this.
     *
     * @throws MissingCapabilityException naming the format's capability when it is not declared, else
     *                                    {@link Capability#MATMUL} when that is not
     */
    default MatmulKernel matmul(OperandFormat operands) {
        if (operands == OperandFormat.FP32) {
            return matmul();
        }
        require(EnumSet.of(operands.capability()));
        require(EnumSet.of(Capability.MATMUL));
        throw new MissingCapabilityException(name(), EnumSet.of(operands.capability()));
    }

    /**
     * The attention kernel with its products on operands rounded to {@code operands}, accumulating in float32:
     * Q, K, V and the output gradient are rounded on entry, the softmax runs in float32 on float32 scores and its
     * probabilities are rounded (they are the saved activation and the operand of {@code P·V} and
     * {@code Pᵀ·dO}); the softmax gradient {@code dS} is rounded before {@code dS·K} and {@code dSᵀ·Q} unless
     * {@code fp32ScoreGradients}. For {@link OperandFormat#FP32} it is {@link #attention()} itself.
     * A backend that declares {@link OperandFormat#capability()} overrides this.
     *
     * @throws MissingCapabilityException naming the format's capability when it is not declared, else
     *                                    {@link Capability#ATTENTION} when that is not
     */
    default AttentionKernel attention(OperandFormat operands, boolean fp32ScoreGradients) {
        if (operands == OperandFormat.FP32) {
            return attention();
        }
        require(EnumSet.of(operands.capability()));
        require(EnumSet.of(Capability.ATTENTION));
        throw new MissingCapabilityException(name(), EnumSet.of(operands.capability()));
    }

    /**
     * The GELU kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#GELU} is declared
     */
    GeluKernel gelu();

    /**
     * The residual-addition kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#RESIDUAL} is declared
     */
    ResidualKernel residual();

    /**
     * The fused softmax and cross-entropy kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#SOFTMAX_CROSS_ENTROPY} is declared
     */
    CrossEntropyKernel crossEntropy();

    /**
     * The AdamW update kernel.
     *
     * @throws MissingCapabilityException unless {@link Capability#ADAMW} is declared
     */
    AdamWKernel adamW();

    /**
     * The whole-tensor reductions: gradient norm, clipping and zeroing.
     *
     * @throws MissingCapabilityException unless {@link Capability#REDUCTIONS} is declared
     */
    ReductionKernel reductions();

    /**
     * Returns once every kernel called so far has finished its work. A backend may return from a kernel call before
     * the work is done (CUDA queues it on a stream; reading a tensor back waits for it), so timing a kernel means
     * waiting here before reading the clock.
     *
     * <p>By default there is nothing to wait for: the kernel calls return when their work is done.
     */
    default void synchronize() {
    }

    /** Releases threads and device resources. Tensors of still-open scopes become invalid. */
    @Override
    void close();
}
