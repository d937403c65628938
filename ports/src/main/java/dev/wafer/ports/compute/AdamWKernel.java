package dev.wafer.ports.compute;

/**
 * The AdamW update of Cerebras Modelzoo / Hugging Face transformers (reference-facts 1.6), for one tensor:
 * <pre>
 *   m = β1 m + (1-β1) g;   v = β2 v + (1-β2) g²
 *   u = m / (√v + ε) · √(1-β2^t) / (1-β1^t)      // ε added before the bias correction
 *   u += wd · p;           p -= lr · u            // weight decay scaled by the tensor's own lr
 * </pre>
 * This differs slightly from {@code torch.optim.AdamW}, which adds ε after the bias correction and applies
 * decay as {@code p *= 1 - lr·wd} before the step.
 */
public interface AdamWKernel {
    /**
     * Applies one AdamW step, as above, to the {@code n} elements of one tensor.
     *
     * @param params (N) updated in place
     * @param grads (N) read only
     * @param m (N) first moment, updated in place (zero before the first step)
     * @param v (N) second moment, updated in place (zero before the first step)
     * @param lr this tensor's learning rate for this step
     * @param weightDecay 0 for tensors that are not decayed
     * @param step the 1-based optimizer step {@code t}
     */
    void update(Tensor params, Tensor grads, Tensor m, Tensor v, int n, float lr, float beta1, float beta2,
                float eps, float weightDecay, int step);
}
