package dev.wafer.domain.generate;

import java.util.Arrays;

/**
 * A model whose logits past the first {@code size} entries are dropped, so that sampling and greedy decoding never
 * choose those ids. A model trained with GPT-2's padded vocabulary (50,304 entries) has 47 ids the GPT-2 tokenizer
 * (50,257 entries) cannot decode; they are never a valid next token, so they are removed before the choice (as if
 * their logits were minus infinity) rather than refused after it.
 */
public final class TruncatedVocabulary implements NextTokenLogits {
    private final NextTokenLogits model;
    private final int size;

    /**
     * Wraps {@code model}, keeping the logits of ids {@code [0, size)}.
     *
     * @param size how many ids may be chosen, at least 1
     */
    public TruncatedVocabulary(NextTokenLogits model, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be >= 1, got " + size);
        }
        this.model = model;
        this.size = size;
    }

    @Override
    public float[] reset(int[] prompt) {
        return keep(model.reset(prompt));
    }

    @Override
    public float[] next(int token) {
        return keep(model.next(token));
    }

    @Override
    public int maxSequenceLength() {
        return model.maxSequenceLength();
    }

    private float[] keep(float[] logits) {
        return logits.length > size ? Arrays.copyOf(logits, size) : logits;
    }
}
