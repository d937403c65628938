package dev.wafer.domain.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * Scores a list of requests in batches, as lm-evaluation-harness v0.3.0's {@code _loglikelihood_tokens} orders them
 * with its {@code Reorderer}: identical requests (same context and continuation token ids) are scored once, the
 * distinct ones longest first (key {@code (-len(ctx + cont), tuple(ctx + cont))}), cut into batches of at most
 * {@link LogLikelihoodScorer#batchTokens()} input positions (rows times the batch's first, longest, input), and the
 * scores are returned in the original order.
 *
 * <p>The harness groups on the concatenated tokens alone; this groups on context and continuation separately, so
 * two requests that only split the same tokens differently (which score differently) are never merged.
 */
public final class BatchedScoring {
    private BatchedScoring() {
    }

    /**
     * The scores of {@code requests}, in their order.
     *
     * @param progress told after each batch how many of {@code requests} (duplicates included) it answered
     */
    public static List<ContinuationScore> score(List<LoglikelihoodRequest> requests, LogLikelihoodScorer scorer,
            IntConsumer progress) {
        List<Group> groups = group(requests);
        groups.sort(LONGEST_FIRST);
        ContinuationScore[] out = new ContinuationScore[requests.size()];
        int budget = Math.max(1, scorer.batchTokens());
        int i = 0;
        while (i < groups.size()) {
            // Longest first: the batch's first row is its longest, so rows x that length bounds the padded batch.
            int longest = groups.get(i).request.inputLength();
            int rows = Math.max(1, Math.min(groups.size() - i, budget / Math.max(1, longest)));
            List<LoglikelihoodRequest> batch = new ArrayList<>(rows);
            for (int r = 0; r < rows; r++) {
                batch.add(groups.get(i + r).request);
            }
            List<ContinuationScore> scores = scorer.scoreBatch(batch);
            int answered = 0;
            for (int r = 0; r < rows; r++) {
                for (int index : groups.get(i + r).indices) {
                    out[index] = scores.get(r);
                    answered++;
                }
            }
            progress.accept(answered);
            i += rows;
        }
        return Arrays.asList(out);
    }

    /**
     * The scores of {@code requests}, in their order, each context run once: distinct requests (as {@link #score}
     * groups them) are gathered by context ids into {@link ContextGroup}s in order of first appearance, the groups
     * sorted longest context first (then by its ids), and cut into calls of at most
     * {@link SharedContextScorer#batchTokens()} context positions (groups times the call's first, longest, context).
     *
     * @param progress told after each call how many of {@code requests} (duplicates included) it answered
     */
    public static List<ContinuationScore> scoreSharingContexts(List<LoglikelihoodRequest> requests,
            SharedContextScorer scorer, IntConsumer progress) {
        List<SharedContext> contexts = byContext(group(requests));
        contexts.sort(LONGEST_CONTEXT_FIRST);
        ContinuationScore[] out = new ContinuationScore[requests.size()];
        int budget = Math.max(1, scorer.batchTokens());
        int i = 0;
        while (i < contexts.size()) {
            int longest = contexts.get(i).context.length;
            int count = Math.max(1, Math.min(contexts.size() - i, budget / longest));
            List<ContextGroup> call = new ArrayList<>(count);
            for (int g = 0; g < count; g++) {
                call.add(contexts.get(i + g).asGroup());
            }
            List<List<ContinuationScore>> scores = scorer.scoreGroups(call);
            int answered = 0;
            for (int g = 0; g < count; g++) {
                List<Group> members = contexts.get(i + g).members;
                for (int m = 0; m < members.size(); m++) {
                    for (int index : members.get(m).indices) {
                        out[index] = scores.get(g).get(m);
                        answered++;
                    }
                }
            }
            progress.accept(answered);
            i += count;
        }
        return Arrays.asList(out);
    }

    /** Distinct requests gathered by context ids, in order of first appearance. */
    private static List<SharedContext> byContext(List<Group> groups) {
        Map<Key, SharedContext> byKey = new HashMap<>();
        List<SharedContext> out = new ArrayList<>();
        for (Group g : groups) {
            int[] ctx = g.request.context();
            SharedContext s = byKey.computeIfAbsent(new Key(ctx, ctx.length), k -> {
                SharedContext n = new SharedContext(ctx);
                out.add(n);
                return n;
            });
            s.members.add(g);
        }
        return out;
    }

    private static final Comparator<SharedContext> LONGEST_CONTEXT_FIRST = (a, b) -> {
        if (a.context.length != b.context.length) {
            return Integer.compare(b.context.length, a.context.length);
        }
        return Arrays.compare(a.context, b.context);
    };

    /** One context and the distinct requests after it. */
    private static final class SharedContext {
        final int[] context;
        final List<Group> members = new ArrayList<>(4);

        SharedContext(int[] context) {
            this.context = context;
        }

        ContextGroup asGroup() {
            List<int[]> continuations = new ArrayList<>(members.size());
            for (Group g : members) {
                continuations.add(g.request.continuation());
            }
            return new ContextGroup(context, continuations);
        }
    }

    /** Distinct requests, each with the indices of the requests equal to it. */
    private static List<Group> group(List<LoglikelihoodRequest> requests) {
        Map<Key, Group> byKey = new HashMap<>();
        List<Group> groups = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            LoglikelihoodRequest r = requests.get(i);
            int[] ctx = r.context();
            int[] cont = r.continuation();
            int[] all = Arrays.copyOf(ctx, ctx.length + cont.length);
            System.arraycopy(cont, 0, all, ctx.length, cont.length);
            Key key = new Key(all, ctx.length);
            Group g = byKey.get(key);
            if (g == null) {
                g = new Group(r, all);
                byKey.put(key, g);
                groups.add(g);
            }
            g.indices.add(i);
        }
        return groups;
    }

    /** The harness's {@code _collate}: longer first, then the token tuple in ascending order; then the split. */
    private static final Comparator<Group> LONGEST_FIRST = (a, b) -> {
        if (a.tokens.length != b.tokens.length) {
            return Integer.compare(b.tokens.length, a.tokens.length);
        }
        int c = Arrays.compare(a.tokens, b.tokens);
        return c != 0 ? c : Integer.compare(a.request.context().length, b.request.context().length);
    };

    private static final class Group {
        final LoglikelihoodRequest request;
        final int[] tokens;
        final List<Integer> indices = new ArrayList<>(2);

        Group(LoglikelihoodRequest request, int[] tokens) {
            this.request = request;
            this.tokens = tokens;
        }
    }

    /** Context and continuation ids, compared by content. */
    private record Key(int[] tokens, int split) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && split == k.split && Arrays.equals(tokens, k.tokens);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(tokens) + split;
        }
    }
}
