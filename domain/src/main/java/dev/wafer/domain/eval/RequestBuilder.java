package dev.wafer.domain.eval;

import dev.wafer.ports.text.Tokenizer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Builds scorer requests exactly as lm-evaluation-harness v0.3.0 does ({@code BaseLM.loglikelihood}): context and
 * continuation are tokenized separately (so the continuation's leading space stays in its first token), an empty
 * context becomes [end-of-text], and the concatenation keeps its last {@code maxLength + 1} tokens (left
 * truncation; the model then sees all but the last of them).
 */
public final class RequestBuilder {
    /** GPT-2's end-of-text token. */
    public static final int GPT2_EOT = 50256;

    private final Tokenizer tokenizer;
    private final int maxLength;
    private final int endOfText;

    /**
     * A builder for a model of context length {@code maxLength}.
     *
     * @param tokenizer the tokenizer; only {@link Tokenizer#encode} is used, and it must not add special tokens
     * @param maxLength the model's context length (2048 for Cerebras-GPT)
     * @param endOfText the token that replaces an empty context
     */
    public RequestBuilder(Tokenizer tokenizer, int maxLength, int endOfText) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be positive: " + maxLength);
        }
        this.maxLength = maxLength;
        this.endOfText = endOfText;
    }

    /** The request for {@code continuation} (usually starting with a space) after {@code context}. */
    public LoglikelihoodRequest build(String context, String continuation) {
        return build(encodeContext(context), encodeContinuation(continuation));
    }

    /** The context's ids as the harness encodes them: [end-of-text] for an empty context. */
    public int[] encodeContext(String context) {
        return context.isEmpty() ? new int[] {endOfText} : tokenizer.encode(context);
    }

    /**
     * The continuation's ids.
     *
     * @throws IllegalArgumentException if it encodes to no tokens or to more than the model's context
     */
    public int[] encodeContinuation(String continuation) {
        int[] cont = tokenizer.encode(continuation);
        if (cont.length == 0) {
            throw new IllegalArgumentException("continuation '" + continuation + "' encodes to no tokens");
        }
        if (cont.length > maxLength) {
            // The harness asserts this too: a continuation that does not fit cannot be scored at all.
            throw new IllegalArgumentException("its continuation is " + cont.length + " tokens, longer than the "
                    + maxLength + "-token window (the harness asserts len(continuation) <= max_length)");
        }
        return cont;
    }

    /** The request for encoded ids (from {@link #encodeContext} and {@link #encodeContinuation}), left-truncated. */
    public LoglikelihoodRequest build(int[] ctx, int[] cont) {
        int total = ctx.length + cont.length;
        int keep = Math.min(total, maxLength + 1);
        int[] ctxKept = Arrays.copyOfRange(ctx, total - keep, ctx.length);
        return new LoglikelihoodRequest(ctxKept, cont);
    }

    /** The context length of the model. */
    public int maxLength() {
        return maxLength;
    }
}
