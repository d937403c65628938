package dev.wafer.ports.compute;

/**
 * What a backend can do. A backend lists its capabilities up front; asking it for a kernel family it does
 * not declare fails with {@link MissingCapabilityException} before anything is computed or changed.
 */
public enum Capability {
    /** {@link EncoderKernel}: token + position embedding and its backward. */
    ENCODER,
    /** {@link LayerNormKernel}. */
    LAYER_NORM,
    /** {@link MatmulKernel}: matmul with bias and its backward. */
    MATMUL,
    /** {@link AttentionKernel}: causal multi-head attention. */
    ATTENTION,
    /** {@link GeluKernel}: exact (erf) GELU. */
    GELU,
    /** {@link ResidualKernel}: element-wise add. */
    RESIDUAL,
    /** {@link CrossEntropyKernel}: fused softmax + cross-entropy over the vocabulary. */
    SOFTMAX_CROSS_ENTROPY,
    /** {@link AdamWKernel}: the optimizer update. */
    ADAMW,
    /** {@link ReductionKernel}: sums of squares, scaling, filling. */
    REDUCTIONS,
    /**
     * Mixed precision with bfloat16 operands: {@link ComputeBackend#matmul(OperandFormat)} and
     * {@link ComputeBackend#attention(OperandFormat, boolean)} for {@link OperandFormat#BF16}.
     */
    BF16,
    /**
     * Mixed precision with IEEE half-precision operands: {@link ComputeBackend#matmul(OperandFormat)} and
     * {@link ComputeBackend#attention(OperandFormat, boolean)} for {@link OperandFormat#FP16}.
     */
    FP16
}
