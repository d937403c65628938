package dev.wafer.domain.study;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.wafer.domain.model.ModelShape;
import dev.wafer.ports.compute.ComputeBackend;

/**
 * Does the muP search's ranking transfer to width (the paper's claim, Appendix G.2)? Re-trains the best triple and
 * a few others spread over the ranking at {@code factor} times the proxy's width, same depth, head width, budget and
 * seed, and compares the two rankings: whether the best stays best, whether the order is unchanged, and Spearman's
 * rank correlation.
 */
public final class MupTransferCheck {
    /** Triples re-trained: the best and others at evenly spaced ranks, the worst last. */
    public static final int TRIPLES = 4;

    /**
     * One triple at both widths.
     *
     * @param sample    the proxy's sample
     * @param wideLoss  loss at the wider width; NaN if diverged
     * @param diverged  whether the wide run diverged
     */
    public record Run(MupSearch.Sample sample, double wideLoss, boolean diverged) {
    }

    /**
     * The outcome of a transfer check: the re-trained triples and how the wide ranking compares with the proxy's.
     *
     * @param width          the wider d_model
     * @param runs           the re-trained triples, in proxy order (best first)
     * @param bestStaysBest  whether the proxy's best is also the best at the wider width
     * @param rankingHolds   whether the wide losses are in the same order as the proxy's
     * @param spearman       rank correlation of proxy and wide losses (a diverged run ranks last); NaN under 2 runs
     */
    public record Result(int width, List<Run> runs, boolean bestStaysBest, boolean rankingHolds, double spearman) {
    }

    private MupTransferCheck() {
    }

    /** The samples to re-train: up to {@link #TRIPLES} of those that did not diverge, at evenly spaced ranks. */
    public static List<MupSearch.Sample> chosen(List<MupSearch.Sample> samples) {
        List<MupSearch.Sample> ranked = samples.stream().filter(s -> !s.diverged())
                .sorted(Comparator.comparingDouble(MupSearch.Sample::loss).thenComparingInt(MupSearch.Sample::index))
                .toList();
        int n = Math.min(TRIPLES, ranked.size());
        List<MupSearch.Sample> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int rank = n == 1 ? 0 : (int) Math.round((double) k * (ranked.size() - 1) / (n - 1));
            out.add(ranked.get(rank));
        }
        return List.copyOf(out);
    }

    /**
     * Why the ranking of {@code samples} cannot be checked at a larger width, or empty when it can: it compares the
     * ranking of at least two triples, and a diverged sample has no rank (until 2026-12-08 one triple was re-trained
     * and said to keep its rank, Spearman NaN).
     */
    public static java.util.Optional<String> impossible(List<MupSearch.Sample> samples) {
        long ranked = samples.stream().filter(s -> !s.diverged()).count();
        return ranked >= 2 ? java.util.Optional.empty() : java.util.Optional.of("only " + ranked + " of "
                + samples.size() + " samples trained without diverging, and the check compares the ranking of at"
                + " least 2");
    }

    /**
     * Re-trains the chosen triples of {@code search} at {@code factor} times its width.
     *
     * @throws IllegalArgumentException for a factor outside [2, 4], or a search with fewer than 2 samples that did
     *                                  not diverge ({@link #impossible})
     */
    public static Result run(ComputeBackend backend, StudyData data, MupSearch.Result search, int factor,
            StudyListener listener) {
        if (factor < 2 || factor > 4) {
            throw new IllegalArgumentException("the transfer width factor must be 2, 3 or 4, found " + factor);
        }
        impossible(search.samples()).ifPresent(why -> {
            throw new IllegalArgumentException("no transfer check: " + why);
        });
        MupSearch.Settings s = search.settings();
        StudyTraining training = s.training();
        int width = s.width() * factor;
        ModelShape shape = StudyModels.shape(width, s.layers(), s.headDim(), data.vocabSize(), training.seqLength());
        List<MupSearch.Sample> chosen = chosen(search.samples());
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < chosen.size(); i++) {
            MupSearch.Sample p = chosen.get(i);
            String label = String.format(Locale.ROOT, "width %d, sample %d: %s", width, p.index(), p.triple());
            listener.runStarted(label, i, chosen.size(), s.steps());
            TrainingRun.Outcome o = TrainingRun.train(backend, shape, p.triple(), s.steps(), training, data,
                    listener);
            Run r = new Run(p, o.diverged() ? Double.NaN : o.finalLoss(), o.diverged());
            listener.runFinished(label, r.wideLoss());
            runs.add(r);
        }
        return compare(width, runs);
    }

    /** The comparison of the proxy's and the wide ranking of {@code runs} (given in proxy order). */
    public static Result compare(int width, List<Run> runs) {
        double[] wide = runs.stream().mapToDouble(r -> r.diverged() ? Double.POSITIVE_INFINITY : r.wideLoss())
                .toArray();
        boolean holds = true;
        for (int i = 1; i < wide.length; i++) {
            holds &= wide[i - 1] < wide[i];
        }
        boolean bestStays = wide.length > 0 && java.util.Arrays.stream(wide).allMatch(v -> v >= wide[0]);
        return new Result(width, List.copyOf(runs), bestStays, holds, spearman(wide));
    }

    /** Spearman's rho between ranks 0..n-1 (the proxy order) and the ranks of {@code wide}. */
    private static double spearman(double[] wide) {
        int n = wide.length;
        if (n < 2) {
            return Double.NaN;
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble(i -> wide[i]));
        double d2 = 0;
        for (int rank = 0; rank < n; rank++) {
            double d = order[rank] - rank;
            d2 += d * d;
        }
        return 1 - 6 * d2 / ((double) n * ((double) n * n - 1));
    }
}
