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
    FP16,
    /**
     * Tensors stored in bfloat16 ({@link TensorScope#allocate(long, OperandFormat)} with {@link OperandFormat#BF16}):
     * two bytes per value, each value rounded to nearest even when written and widened exactly when read. Only these
     * kernel arguments may be such a tensor; every other argument of every kernel must be float32 and a bf16 tensor
     * there fails with {@link IllegalArgumentException} before anything is computed:
     * <ul>
     *   <li>{@code inp} of {@link MatmulKernel#forward} and {@link MatmulKernel#backward} of
     *       {@link ComputeBackend#matmul(OperandFormat) matmul(BF16)}: used as the bf16 operand as stored (the kernel
     *       would have rounded a float32 input to exactly these values);</li>
     *   <li>{@code out} of {@link LayerNormKernel#forward}, {@link GeluKernel#forward} (not in place) and
     *       {@link AttentionKernel#forward} (of every attention kernel): the float32 result, rounded once as it is
     *       stored;</li>
     *   <li>{@code out} of {@link MatmulKernel#forward} of {@link ComputeBackend#matmul(OperandFormat) matmul(BF16)}:
     *       the float32 product plus bias, rounded once as it is stored (the QKV projection's output);</li>
     *   <li>{@code qkv} and {@code att} of {@link AttentionKernel#forward} and {@link AttentionKernel#backward} of
     *       {@link ComputeBackend#attention(OperandFormat, boolean) attention(BF16, either)}: Q, K, V, which that
     *       kernel rounds to bf16 on entry anyway, used as stored; the saved probabilities, which it rounds to bf16
     *       anyway, stored as they are and widened exactly when read (any other attention kernel refuses a bf16
     *       {@code qkv} or {@code att});</li>
     *   <li>{@link Tensor#copyFromHost}, {@link Tensor#copyToHost} and {@link Tensor#slice}.</li>
     * </ul>
     * A backend without it refuses the allocation with {@link MissingCapabilityException}.
     */
    BF16_STORAGE,
    /**
     * Fused attention ({@link AttentionKernel#forwardSavingLogSumExp}, {@link AttentionKernel#backwardFromLogSumExp}):
     * the kernel of {@link ComputeBackend#attention(OperandFormat, boolean) attention(BF16, false)} implements them
     * for bf16-stored {@code qkv} and {@code out} and every head size {@link AttentionKernel#fusesHeadSize} accepts,
     * so a bf16 run saves each row's log-sum-exp instead of the T x T probabilities.
     */
    FUSED_ATTENTION,
    /**
     * Fused attention in float32: the kernel of {@link ComputeBackend#attention() attention()} implements
     * {@link AttentionKernel#forwardSavingLogSumExp} and {@link AttentionKernel#backwardFromLogSumExp} for
     * float32 {@code qkv} and {@code out} and every head size {@link AttentionKernel#fusesFloat32HeadSize} accepts,
     * with float32 accuracy (within {@code FUSED_ATTENTION_FP32}'s tolerance of the attention that saves the
     * probabilities), so a float32 run saves each row's log-sum-exp instead of the T x T probabilities.
     */
    FUSED_ATTENTION_FP32,
    /**
     * Attention after a prefix: the kernel of {@link ComputeBackend#attention() attention()} implements
     * {@link AttentionKernel#forwardAfterPrefix} on float32 tensors, within the float32 attention's tolerance of
     * {@link AttentionKernel#forward} over the prefix and the new positions together. Scoring uses it to run a
     * context through the decoder once for all of its continuations.
     */
    PREFIX_ATTENTION
}
