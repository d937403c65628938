package dev.wafer.domain.eval;

/**
 * Makes losses of models with different tokenizers comparable, as the paper does: the total nats a model spends on
 * a text do not depend on how it is cut into tokens, so a per-token loss converts by the ratio of token counts of
 * the same text: {@code loss_gpt2 = loss_other * tokens_other / tokens_gpt2}.
 */
public final class VocabularyCorrection {
    private VocabularyCorrection() {
    }

    /**
     * The loss per GPT-2 token equivalent to {@code natsPerToken} measured with another tokenizer.
     *
     * @param natsPerToken mean loss per token of the other tokenizer
     * @param otherTokens  tokens the other tokenizer produced for the evaluation text
     * @param gpt2Tokens   tokens GPT-2's tokenizer produces for the same text
     */
    public static double toGpt2Equivalent(double natsPerToken, long otherTokens, long gpt2Tokens) {
        if (otherTokens <= 0 || gpt2Tokens <= 0) {
            throw new IllegalArgumentException("token counts must be positive: other=" + otherTokens + ", gpt2=" + gpt2Tokens);
        }
        if (!(natsPerToken >= 0) || Double.isInfinite(natsPerToken)) {
            throw new IllegalArgumentException("loss must be a finite number of nats >= 0: " + natsPerToken);
        }
        return natsPerToken * otherTokens / gpt2Tokens;
    }
}
