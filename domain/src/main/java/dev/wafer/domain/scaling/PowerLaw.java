package dev.wafer.domain.scaling;

/**
 * A loss-versus-compute law {@code L(f) = a * f^b + c}, with {@code f} in FLOPs and {@code L} in nats per token.
 *
 * @param a scale
 * @param b exponent (negative for a loss that falls with compute)
 * @param c irreducible loss
 */
public record PowerLaw(double a, double b, double c) {

    /**
     * The paper's equation (1), the compute-optimal Pile frontier of the SP Cerebras-GPT models:
     * {@code L(f) = (f / 5.984e22)^-0.0737 + 0.5066}.
     */
    public static final PowerLaw CEREBRAS_GPT_PILE = fromReferenceFlops(5.984e22, -0.0737, 0.5066);

    /** Validates that the parameters are finite. */
    public PowerLaw {
        if (!Double.isFinite(a) || !Double.isFinite(b) || !Double.isFinite(c)) {
            throw new IllegalArgumentException("power law parameters must be finite: a=" + a + " b=" + b + " c=" + c);
        }
    }

    /** The law written as {@code (f / f0)^b + c}, as the paper writes equation (1). */
    public static PowerLaw fromReferenceFlops(double f0, double b, double c) {
        return new PowerLaw(Math.pow(f0, -b), b, c);
    }

    /** Predicted loss at {@code flops}. */
    public double lossAt(double flops) {
        if (!(flops > 0)) {
            throw new IllegalArgumentException("FLOPs must be positive, found " + flops);
        }
        return a * Math.pow(flops, b) + c;
    }

    /** The FLOPs at which the law predicts {@code loss}; the loss must lie above {@code c}. */
    public double flopsFor(double loss) {
        if (!(loss > c)) {
            throw new IllegalArgumentException("loss must exceed the irreducible loss " + c + ", found " + loss);
        }
        return Math.pow((loss - c) / a, 1 / b);
    }
}
