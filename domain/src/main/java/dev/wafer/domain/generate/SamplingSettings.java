package dev.wafer.domain.generate;

/**
 * How the next token is chosen from logits.
 *
 * @param temperature logits are divided by it; 0 means greedy (argmax)
 * @param topK        keep only the k most likely tokens; 0 disables
 * @param topP        keep the smallest set of most likely tokens whose probability reaches p; 1 disables
 * @param seed        seed of the random draws; the same seed and logits give the same tokens
 */
public record SamplingSettings(double temperature, int topK, double topP, long seed) {
    /** Validates the ranges. */
    public SamplingSettings {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 disables it), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1] (1 disables it), got " + topP);
        }
    }

    /** Greedy decoding: always the most likely token. */
    public static SamplingSettings greedy() {
        return new SamplingSettings(0, 0, 1, 0);
    }
}
