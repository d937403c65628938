package dev.wafer.ports.compute;

/**
 * Fused softmax + cross-entropy over the vocabulary with an output-logit multiplier {@code s}
 * (muP's {@code 1/m_width}, 1 under SP): {@code p = softmax(s * logits)}, {@code loss = -ln p[target]} in nats.
 * The normaliser and the loss are reduced in double, or with a double's precision (the OpenCL backend keeps the
 * normaliser as a pair of floats, for devices without double arithmetic).
 */
public interface CrossEntropyKernel {
    /**
     * The forward: the softmax probabilities of the scaled logits and each row's loss.
     *
     * @param losses (N) written: per-row loss in nats
     * @param probs (N,V) written: the softmax probabilities; <b>may alias {@code logits}</b>, which saves the
     *              largest buffer of a step
     * @param logits (N,V) unscaled logits
     * @param targets N ids in {@code [0, V)}
     */
    void forward(Tensor losses, Tensor probs, Tensor logits, int[] targets, int n, int v, float logitScale);

    /**
     * Gradient of {@code Σ_rows dloss * loss[row]} with respect to the unscaled logits:
     * {@code dlogits = dloss * s * (p - onehot(target))}. {@code dloss} is the weight of every row (1/N for a mean,
     * 1/(N·micro-steps) under gradient accumulation).
     *
     * @param dlogits (N,V) written; <b>may alias {@code probs}</b>
     * @param probs (N,V) saved by the forward
     */
    void backward(Tensor dlogits, Tensor probs, int[] targets, int n, int v, float logitScale, float dloss);

    /**
     * {@link #forward} and then {@link #backward} in one call, for a training step that knows the weight of its loss
     * before the forward: {@code losses} as the forward writes them and {@code dlogits} as the backward writes them
     * from the probabilities the forward computes. A backend may compute the gradient without storing the
     * probabilities, one pass over the {@code N x V} logits fewer; this default runs the two calls, the
     * probabilities written into {@code dlogits}.
     *
     * @param losses (N) written: per-row loss in nats
     * @param dlogits (N,V) written: {@code dloss * s * (p - onehot(target))}; <b>may alias {@code logits}</b>
     * @param logits (N,V) unscaled logits
     * @param targets N ids in {@code [0, V)}
     * @param dloss the weight of every row, as in {@link #backward}
     */
    default void forwardAndBackward(Tensor losses, Tensor dlogits, Tensor logits, int[] targets, int n, int v,
                                    float logitScale, float dloss) {
        forward(losses, dlogits, logits, targets, n, v, logitScale);
        backward(dlogits, dlogits, targets, n, v, logitScale, dloss);
    }
}
