package dev.wafer.domain.eval;

import java.util.List;

/**
 * Distinct continuations of one context, for a {@link SharedContextScorer}: the context runs through the model once
 * and each continuation after it. Every continuation must fit the model's window after the context
 * ({@code context.length + continuation.length <= maxLength + 1}, as {@link LoglikelihoodRequest} already is).
 *
 * @param context       the context's token ids, at least one
 * @param continuations the continuations' token ids, at least one, each at least one token
 */
public record ContextGroup(int[] context, List<int[]> continuations) {
    /** Rejects empty parts; keeps the arrays as given (the scorer only reads them). */
    public ContextGroup {
        if (context.length == 0 || continuations.isEmpty()) {
            throw new IllegalArgumentException("a context group needs a context token and a continuation");
        }
        for (int[] c : continuations) {
            if (c.length == 0) {
                throw new IllegalArgumentException("a continuation must have tokens");
            }
        }
        continuations = List.copyOf(continuations);
    }

    /** Tokens the context pass reads. */
    public int contextLength() {
        return context.length;
    }
}
