package dev.wafer.domain.eval;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * How a task's requests are scored: each request as one row ({@link #batched}), or each context once for all of
 * its continuations ({@link #sharingContexts}). Both answer in the requests' order, to float32 rounding alike.
 */
@FunctionalInterface
public interface RequestScoring {
    /**
     * The scores of {@code requests}, in their order.
     *
     * @param progress told after each batch how many of {@code requests} (duplicates included) it answered
     */
    List<ContinuationScore> score(List<LoglikelihoodRequest> requests, IntConsumer progress);

    /** Every distinct request as its own row, in the harness's order ({@link BatchedScoring#score}). */
    static RequestScoring batched(LogLikelihoodScorer scorer) {
        return (requests, progress) -> BatchedScoring.score(requests, scorer, progress);
    }

    /** Each distinct context once, then its continuations ({@link BatchedScoring#scoreSharingContexts}). */
    static RequestScoring sharingContexts(SharedContextScorer scorer) {
        return (requests, progress) -> BatchedScoring.scoreSharingContexts(requests, scorer, progress);
    }
}
