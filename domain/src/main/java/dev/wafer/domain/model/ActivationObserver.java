package dev.wafer.domain.model;

import dev.wafer.ports.compute.Tensor;

/**
 * Sees the layer outputs of each {@link GptModel} forward pass as they are computed: a diagnostic hook for the
 * coordinate check (microsoft/mup's forward hooks). It is called on the training thread between kernels, so it
 * may read the tensor (e.g. {@link Tensor#copyToHost}) but must not keep or change it.
 */
@FunctionalInterface
public interface ActivationObserver {
    /** Observes nothing; the model's default. */
    ActivationObserver NONE = (site, layer, values, length, multiplier) -> { };

    /** Where in the decoder an observed activation comes from. */
    enum Site {
        /** The (multiplied) sum of token and position embeddings, the input of block 0. */
        EMBEDDING,
        /** A block's attention output after the output projection, before the residual add. */
        ATTENTION,
        /** A block's feed-forward output after its output projection, before the residual add. */
        MLP,
        /** The output logits, h·W_teᵀ, before the output logit multiplier. */
        LOGITS
    }

    /**
     * One activation of the current forward pass.
     *
     * @param site       which kind of layer output
     * @param layer      the block index for {@link Site#ATTENTION} and {@link Site#MLP}, else -1
     * @param values     the activation; only its first {@code length} elements are meaningful
     * @param length     number of elements (tokens x features)
     * @param multiplier factor the model applies to these values before using them ({@code outputLogitMultiplier}
     *                   for the logits, else 1): the activation as the network sees it is {@code multiplier·values}
     */
    void observe(Site site, int layer, Tensor values, int length, float multiplier);
}
