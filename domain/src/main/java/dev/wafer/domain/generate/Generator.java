package dev.wafer.domain.generate;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * The generation loop: run the prompt once, then feed each sampled token back as a single cached step, streaming
 * every token to a listener as soon as it is chosen.
 */
public final class Generator {
    private final SamplingSettings sampling;
    private final int maxNewTokens;
    private final int endOfText;

    /**
     * A generator that samples up to {@code maxNewTokens} tokens, stopping early at {@code endOfText}.
     *
     * @param sampling     how tokens are chosen
     * @param maxNewTokens most tokens to generate
     * @param endOfText    the token that ends generation (50256 for GPT-2); it is not streamed or returned
     */
    public Generator(SamplingSettings sampling, int maxNewTokens, int endOfText) {
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("maxNewTokens must be >= 0, got " + maxNewTokens);
        }
        this.maxNewTokens = maxNewTokens;
        this.endOfText = endOfText;
    }

    /**
     * Generates a continuation of {@code prompt}.
     *
     * @param listener receives each new token as soon as it is sampled
     */
    public GenerationResult generate(NextTokenLogits model, int[] prompt, IntConsumer listener) {
        if (prompt.length == 0) {
            throw new IllegalArgumentException("the prompt needs at least one token (use the end-of-text token for none)");
        }
        if (prompt.length > model.maxSequenceLength()) {
            throw new IllegalArgumentException("the prompt has " + prompt.length + " tokens; the model holds "
                    + model.maxSequenceLength());
        }
        LogitsSampler sampler = new LogitsSampler(sampling);
        // The context caps the output: a context of L positions reads up to L tokens, so the sequence grows to L + 1
        // (the last token is predicted, never fed): L - P + 1 new tokens for every prompt of P <= L tokens, and a
        // huge maxNewTokens allocates no more than that.
        int[] out = new int[Math.min(maxNewTokens, model.maxSequenceLength() - prompt.length + 1)];
        int n = 0;
        if (maxNewTokens == 0) {
            return new GenerationResult(out, StopReason.MAX_TOKENS);
        }
        float[] logits = model.reset(prompt.clone());
        while (true) {
            int token = sampler.sample(logits);
            if (token == endOfText) {
                return new GenerationResult(Arrays.copyOf(out, n), StopReason.END_OF_TEXT);
            }
            out[n++] = token;
            listener.accept(token);
            if (n == maxNewTokens) {
                return new GenerationResult(Arrays.copyOf(out, n), StopReason.MAX_TOKENS);
            }
            if (prompt.length + n > model.maxSequenceLength()) {
                // Every position is filled: the token just sampled would have no position (nor cache slot) to be fed
                // at. It stopped one token early for a prompt shorter than the context (at L tokens, not L + 1).
                return new GenerationResult(Arrays.copyOf(out, n), StopReason.CONTEXT_FULL);
            }
            logits = model.next(token);
        }
    }
}
