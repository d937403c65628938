package dev.wafer.domain.eval;

import java.util.List;

/**
 * A scorer that runs each context through the model once for all of its continuations (the choices of a
 * multiple-choice document), instead of once per request as {@link LogLikelihoodScorer} does. Each score equals
 * {@link LogLikelihoodScorer#score} of the same context and continuation to float32 rounding.
 */
public interface SharedContextScorer {
    /**
     * Scores every continuation of every group.
     *
     * @param groups groups whose contexts fit {@link #batchTokens()}: {@code groups.size() · max(contextLength) <=
     *               batchTokens()}, or a single group
     * @return per group, one score per continuation, in order
     */
    List<List<ContinuationScore>> scoreGroups(List<ContextGroup> groups);

    /** How many positions one pass takes: rows times the longest row. */
    int batchTokens();
}
