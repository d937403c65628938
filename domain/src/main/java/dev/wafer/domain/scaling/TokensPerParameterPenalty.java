package dev.wafer.domain.scaling;

/**
 * The paper's equation (4): the fractional loss increase, relative to the compute-optimal frontier at the same
 * FLOPs, of training with {@code tau} tokens per parameter instead of 20:
 * {@code dL(tau) = 0.023 * ln(sqrt(20 / tau))^2}.
 */
public final class TokensPerParameterPenalty {
    /** Tokens per parameter of compute-optimal training (Chinchilla, confirmed on the Pile by the paper). */
    public static final double COMPUTE_OPTIMAL_TOKENS_PER_PARAMETER = 20.0;

    private static final double COEFFICIENT = 0.023;

    private TokensPerParameterPenalty() {
    }

    /** The fractional loss increase (0.01 = 1%) at {@code tokensPerParameter}. */
    public static double fraction(double tokensPerParameter) {
        if (!(tokensPerParameter > 0) || Double.isInfinite(tokensPerParameter)) {
            throw new IllegalArgumentException("tokens per parameter must be positive and finite, found "
                    + tokensPerParameter);
        }
        double logRoot = Math.log(Math.sqrt(COMPUTE_OPTIMAL_TOKENS_PER_PARAMETER / tokensPerParameter));
        return COEFFICIENT * logRoot * logRoot;
    }

    /** The predicted loss of a run with {@code trainingFlops} and {@code tokensPerParameter}, on {@code law}. */
    public static double predictedLoss(PowerLaw law, double trainingFlops, double tokensPerParameter) {
        return law.lossAt(trainingFlops) * (1 + fraction(tokensPerParameter));
    }
}
