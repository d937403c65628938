package dev.wafer.domain.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import dev.wafer.ports.data.PackedCorpus;
import dev.wafer.ports.data.TokenizedCorpus;

/**
 * Draws training sequences, the contexts the model was trained on: packed rows of a split, each read from its start,
 * so the prefix sits at the positions it was trained at. A row is a candidate when the document holding its first
 * continuation token (token P) is in the corpus (so a source filter applies), and it is not the split's last row (the
 * trainer never draws the last row as input: it only supplies the target of the row before). Rows are drawn
 * uniformly without replacement from a seed; every candidate is taken when there are no more than asked for. With a
 * {@link RowSelection#trainedOnly trained-only} selection only rows the checkpoint was trained on are candidates (a
 * run of under one epoch never saw most rows), and each sample records the times its row was seen.
 */
public final class RowSampler {
    private RowSampler() {
    }

    /**
     * Draws up to {@code count} rows of {@code corpus} from {@code seed}, every row admitted
     * ({@link RowSelection#all()}).
     *
     * @param window tokens read per row (P + S), at most the row length
     * @param prefix P, where the continuation starts
     */
    public static AuditPlan sample(PackedCorpus corpus, int prefix, int window, int count, long seed) {
        return sample(corpus, prefix, window, count, seed, RowSelection.all());
    }

    /** Draws as {@link #sample(PackedCorpus, int, int, int, long)} does, from the rows {@code selection} admits. */
    public static AuditPlan sample(PackedCorpus corpus, int prefix, int window, int count, long seed,
                                   RowSelection selection) {
        if (window > corpus.sequenceLength()) {
            throw new IllegalArgumentException("prefix + suffix of " + window + " tokens exceeds the dataset's rows of "
                    + corpus.sequenceLength());
        }
        long rows = Math.max(0, corpus.rows() - 1);
        long candidates = 0;
        for (long r = 0; r < rows; r++) {
            if (selection.admits(r) && corpus.documentAt(r, prefix) >= 0) {
                candidates++;
            }
        }
        long[] ranks = Draws.distinct(candidates, count, new SplittableRandom(seed));
        List<AuditSample> samples = new ArrayList<>(ranks.length);
        long rank = -1;
        int next = 0;
        for (long r = 0; r < rows && next < ranks.length; r++) {
            if (!selection.admits(r)) {
                continue;
            }
            int document = corpus.documentAt(r, prefix);
            if (document < 0) {
                continue;
            }
            rank++;
            if (rank == ranks[next]) {
                int[] tokens = new int[window];
                corpus.readRow(r, tokens);
                samples.add(new AuditSample(document, tokens, r, selection.timesSeen(r), -1));
                next++;
            }
        }
        return described(corpus, candidates, samples);
    }

    /**
     * The plan with only the sampled documents read ({@link PackedCorpus#documents(int[])}) and each sample's
     * document index renumbered into them, in the same order: a split's other documents are never held.
     */
    private static AuditPlan described(PackedCorpus corpus, long candidates, List<AuditSample> samples) {
        int[] sampled = samples.stream().mapToInt(AuditSample::document).sorted().distinct().toArray();
        List<TokenizedCorpus.Document> documents = corpus.documents(sampled);
        List<AuditSample> renumbered = new ArrayList<>(samples.size());
        for (AuditSample s : samples) {
            renumbered.add(new AuditSample(Arrays.binarySearch(sampled, s.document()), s.tokens(), s.row(),
                    s.timesSeen(), s.copies()));
        }
        return new AuditPlan(documents, corpus.documentCount(), candidates, renumbered);
    }
}
