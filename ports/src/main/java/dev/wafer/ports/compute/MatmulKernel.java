package dev.wafer.ports.compute;

/**
 * A linear layer in llm.c layout: {@code out(N,OC) = inp(N,C) · weight(OC,C)ᵀ + bias(OC)}. The weight is stored
 * as (OC,C), i.e. PyTorch's {@code nn.Linear} layout, so the tied LM head is the token embedding itself.
 */
public interface MatmulKernel {
    /**
     * The forward: {@code out = inp · weightᵀ + bias}.
     *
     * @param out (N,OC) written
     * @param inp (N,C)
     * @param weight (OC,C)
     * @param bias (OC) or {@code null} for none
     */
    void forward(Tensor out, Tensor inp, Tensor weight, Tensor bias, int n, int c, int oc);

    /**
     * The backward: writes the input gradient and accumulates the weight and bias gradients.
     *
     * @param dinp (N,C) written; may be {@code null} when the input needs no gradient (the first layer)
     * @param dweight (OC,C) accumulated: {@code += doutᵀ · inp}
     * @param dbias (OC) accumulated: {@code += Σ_rows dout}; {@code null} when there is no bias
     * @param dout (N,OC)
     * @param inp (N,C) the forward's input
     * @param weight (OC,C)
     */
    void backward(Tensor dinp, Tensor dweight, Tensor dbias, Tensor dout, Tensor inp, Tensor weight,
                  int n, int c, int oc);
}
