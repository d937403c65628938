package dev.wafer.domain.profile;

/** The kernel entry points a {@link KernelProfile} tells apart, each with the name reports print. */
public enum KernelCall {
    /** {@code EncoderKernel.forward}: token and position embeddings summed, times the embedding multiplier. */
    ENCODER_FORWARD("encoder.forward"),
    /** {@code EncoderKernel.backward}: the output gradient accumulated into the token and position embeddings' rows. */
    ENCODER_BACKWARD("encoder.backward"),
    /** {@code LayerNormKernel.forward}, saving each row's mean and reciprocal standard deviation. */
    LAYER_NORM_FORWARD("layer_norm.forward"),
    /** {@code LayerNormKernel.backward}: the input, weight and bias gradients. */
    LAYER_NORM_BACKWARD("layer_norm.backward"),
    /** {@code MatmulKernel.forward}: a linear layer's product with its weight, plus the bias. */
    MATMUL_FORWARD("matmul.forward"),
    /** {@code MatmulKernel.backward}: the weight and bias gradients, and the input gradient when asked for. */
    MATMUL_BACKWARD("matmul.backward"),
    /**
     * {@code AttentionKernel.forward}, {@code forwardSavingLogSumExp} and {@code forwardAfterPrefix}: causal attention
     * over whole sequences.
     */
    ATTENTION_FORWARD("attention.forward"),
    /** {@code AttentionKernel.backward} and {@code backwardFromLogSumExp}: the gradient of causal attention. */
    ATTENTION_BACKWARD("attention.backward"),
    /**
     * {@code AttentionKernel.forwardCached}, {@code forwardCachedBatch} and {@code forwardCachedPositions}: attention
     * of new positions over a key-value cache.
     */
    ATTENTION_CACHED("attention.cached"),
    /** {@code GeluKernel.forward}: the GELU activation. */
    GELU_FORWARD("gelu.forward"),
    /** {@code GeluKernel.backward}: the GELU activation's input gradient. */
    GELU_BACKWARD("gelu.backward"),
    /** {@code ResidualKernel.forward}: the element-wise sum of two tensors. */
    RESIDUAL_FORWARD("residual.forward"),
    /** {@code ResidualKernel.backward}: the output gradient passed to both summands. */
    RESIDUAL_BACKWARD("residual.backward"),
    /** {@code CrossEntropyKernel.forward}: the softmax probabilities and per-token losses. */
    CROSS_ENTROPY_FORWARD("cross_entropy.forward"),
    /** {@code CrossEntropyKernel.backward}: the logits' gradient from the saved probabilities. */
    CROSS_ENTROPY_BACKWARD("cross_entropy.backward"),
    /** {@code CrossEntropyKernel.forwardAndBackward}: losses and the logits' gradient in one fused call. */
    CROSS_ENTROPY_FORWARD_BACKWARD("cross_entropy.forward_backward"),
    /** {@code AdamWKernel.update}: one AdamW step on a parameter tensor and its moments. */
    ADAMW_UPDATE("adamw.update"),
    /** {@code ReductionKernel.sumOfSquares} and {@code sumsOfSquares}: the pieces of the global gradient norm. */
    SUM_OF_SQUARES("reductions.sum_of_squares"),
    /** {@code ReductionKernel.scale}: a tensor multiplied in place by a factor (gradient clipping, loss scaling). */
    SCALE("reductions.scale"),
    /** {@code ReductionKernel.fill}: a tensor set to one value (zeroing gradients). */
    FILL("reductions.fill");

    private final String label;

    KernelCall(String label) {
        this.label = label;
    }

    /** The name in reports, {@code family.entry}, e.g. {@code matmul.backward}. */
    public String label() {
        return label;
    }
}
