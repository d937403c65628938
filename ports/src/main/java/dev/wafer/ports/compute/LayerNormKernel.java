package dev.wafer.ports.compute;

/**
 * LayerNorm over the last dimension with epsilon {@link #EPSILON}: {@code out = (x - mean) * rstd * weight + bias}.
 * The forward saves the per-row mean and reciprocal standard deviation for the backward.
 */
public interface LayerNormKernel {
    /** Epsilon of every Cerebras-GPT config (reference-facts 1.1). */
    float EPSILON = 1e-5f;

    /**
     * The forward: normalises each row of {@code inp}, saving its mean and {@code rstd} for the backward.
     *
     * @param out (N,C) written
     * @param mean (N) written
     * @param rstd (N) written: {@code 1/sqrt(var + eps)}, population variance
     * @param inp (N,C)
     * @param weight (C)
     * @param bias (C)
     */
    void forward(Tensor out, Tensor mean, Tensor rstd, Tensor inp, Tensor weight, Tensor bias, int n, int c);

    /**
     * The backward: writes the input gradient and accumulates the weight and bias gradients.
     *
     * @param dinp (N,C) written
     * @param dweight (C) accumulated
     * @param dbias (C) accumulated
     * @param dout (N,C)
     * @param inp (N,C) the forward's input
     * @param mean (N) saved by the forward
     * @param rstd (N) saved by the forward
     */
    void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                  Tensor mean, Tensor rstd, int n, int c);
}
