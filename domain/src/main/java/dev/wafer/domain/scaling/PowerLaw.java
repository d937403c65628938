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

    /**
     * Validates that the parameters are finite. Any finite law is accepted, as {@link PowerLawFit} may fit one whose
     * loss does not fall with compute (a {@code a <= 0} for losses that rise or stay flat); {@link #flopsFor} refuses
     * a loss such a law does not reach.
     */
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

    /**
     * The FLOPs at which the law predicts {@code loss}.
     *
     * @throws IllegalArgumentException naming the loss and the law's range when no positive, finite FLOP count gives
     *                                  it: a constant law ({@code a = 0} or {@code b = 0}), a loss on the wrong side
     *                                  of {@code c} (above it for {@code a > 0}, below for {@code a < 0}), or one
     *                                  reached only beyond what a double holds
     */
    public double flopsFor(double loss) {
        if (a == 0 || b == 0) {
            double constant = a == 0 ? c : a + c;
            throw new IllegalArgumentException("loss " + loss + " is outside the range of " + this + ", which gives"
                    + " the loss " + constant + " at every FLOP count");
        }
        String range = a > 0 ? "above " + c : "below " + c;
        double ratio = (loss - c) / a;
        if (!(ratio > 0)) {
            throw new IllegalArgumentException("loss " + loss + " is outside the range of " + this + ", which gives"
                    + " losses " + range + " only");
        }
        double flops = Math.pow(ratio, 1 / b);
        if (!(flops > 0) || Double.isInfinite(flops)) {
            throw new IllegalArgumentException("loss " + loss + " is reached by " + this + " (losses " + range
                    + ") only at " + flops + " FLOPs, beyond what a double holds");
        }
        return flops;
    }
}
