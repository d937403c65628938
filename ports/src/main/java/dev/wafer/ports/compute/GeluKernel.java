package dev.wafer.ports.compute;

/**
 * The exact GELU, {@code x * Φ(x) = 0.5 x (1 + erf(x/√2))}, as {@code torch.nn.functional.gelu} computes it and
 * Cerebras-GPT uses (reference-facts 1.1); not GPT-2's tanh approximation.
 */
public interface GeluKernel {
    /**
     * {@code out = inp * Φ(inp)}, element by element.
     *
     * @param out (N) written; may alias {@code inp}
     */
    void forward(Tensor out, Tensor inp, int n);

    /**
     * {@code dinp = dout * (Φ(x) + x φ(x))}.
     *
     * @param dinp (N) written; may alias {@code dout}
     * @param inp (N) the forward's input
     * @param dout (N)
     */
    void backward(Tensor dinp, Tensor inp, Tensor dout, int n);
}
