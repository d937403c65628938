package dev.wafer.domain.generate;

/**
 * The tokens a sampler may still pick after temperature, top-k and top-p, most likely first.
 *
 * @param tokens        token ids
 * @param probabilities their renormalised probabilities (summing to 1)
 */
public record Candidates(int[] tokens, double[] probabilities) {
    /** Copies the arrays. */
    public Candidates {
        if (tokens.length != probabilities.length || tokens.length == 0) {
            throw new IllegalArgumentException("candidates need one probability per token and at least one token");
        }
        tokens = tokens.clone();
        probabilities = probabilities.clone();
    }

    /** Token ids, most likely first; a copy. */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Renormalised probabilities, one per token; a copy. */
    @Override
    public double[] probabilities() {
        return probabilities.clone();
    }

    /** Number of candidates. */
    public int size() {
        return tokens.length;
    }
}
