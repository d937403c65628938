package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

import dev.wafer.domain.data.ContentHash;
import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.dedup.DedupDecision;
import dev.wafer.domain.data.dedup.Deduplicator;
import dev.wafer.domain.data.dedup.MinHasher;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.prepare.ExclusionList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankExchange;

/**
 * One rank's part of a multi-rank preparation ({@link DatasetPreparation#prepare(List, Collective, RankExchange)}),
 * in three steps with a collective call between each:
 * <ol>
 *   <li>pass 1 on every rank ({@link PassOneRecorder}); an all-reduce carries failures and the documents and tokens
 *       per bucket and split ({@link PackingLayout});</li>
 *   <li>rank 0 alone walks the ranks' results in input order ({@link PassOneReplay}) and, with deduplication,
 *       decides; a broadcast carries each input's counts, from which every rank derives the same
 *       {@link RankOffsets}, and the decision ({@link DecisionBroadcast});</li>
 *   <li>pass 2 on every rank ({@link SpreadPassTwo}); rank 0 assembles the pieces and reports.</li>
 * </ol>
 */
final class MultiRankPreparation {
    private final PreparationSettings settings;
    private final PreparedDatasetStore store;
    private final ProgressReporter progress;
    private final LongSupplier bytesRead;
    private final List<DocumentSource> inputs;
    private final ShuffleBuckets shuffle;
    private final Collective ranks;
    private final RankExchange exchange;
    private final InputAssignment assignment;

    MultiRankPreparation(PreparationSettings settings, PreparedDatasetStore store, ProgressReporter progress,
                         LongSupplier bytesRead, List<DocumentSource> inputs, ShuffleBuckets shuffle, Collective ranks,
                         RankExchange exchange) {
        this.settings = settings;
        this.store = store;
        this.progress = progress;
        this.bytesRead = bytesRead;
        this.inputs = inputs;
        this.shuffle = shuffle;
        this.ranks = ranks;
        this.exchange = exchange;
        this.assignment = InputAssignment.balance(inputs.stream().mapToLong(DocumentSource::sizeBytes).toArray(),
                ranks.size());
    }

    /** @return the report on rank 0, empty on the other ranks and where rank 0 stopped before pass 2 */
    Optional<PreparationReport> run() throws IOException {
        long started = System.nanoTime();
        long[] counts = passOne();
        long handedOver = System.nanoTime();
        PackingLayout layout = new PackingLayout(shuffle.buckets(), counts);
        Walk walk = ranks.rank() == 0 ? new Walk() : null;
        Optional<Plan> plan = plan(layout, counts, walk);
        if (plan.isEmpty()) {
            // Rank 0 threw why, as one process would.
            return Optional.empty();
        }
        long planned = System.nanoTime();
        new SpreadPassTwo(settings, shuffle, layout, plan.get().offsets(), plan.get().removed(), progress)
                .run(ranks, exchange, store);
        if (walk == null) {
            return Optional.empty();
        }
        long packed = System.nanoTime();
        for (int r = 0; r < ranks.size(); r++) {
            exchange.keptBySource(r).forEach((source, c) -> walk.summary.kept(source, c[0], c[1]));
        }
        store.assembleRankShares(ranks.size(), settings.sequenceLength(), settings.tokenizer().vocabSize(),
                MembershipAudit.SHINGLE_WORDS, layout.documents(Split.TRAIN));
        Map<Split, PreparationReport.SplitStats> splits = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            splits.put(s, layout.stats(s, settings.sequenceLength(), settings.sequencesPerShard()));
        }
        long done = System.nanoTime();
        return Optional.of(new PreparationReport(walk.summary.build(), splits,
                walk.bucketing.exclusions(), List.copyOf(walk.malformed.listed()),
                walk.malformed.count(), walk.bucketing.textBytes(), (done - started) / 1e9, shuffle.buckets(),
                (handedOver - started) / 1e9, ((planned - handedOver) + (done - packed)) / 1e9,
                java.util.Arrays.asList(walk.sha256.clone())));
    }

    /** Step 1: this rank's pass 1; returns every rank's documents and tokens per bucket and split, summed. */
    private long[] passOne() throws IOException {
        int rank = ranks.rank();
        int n = ranks.size();
        boolean failed = false;
        String reason = null;
        long[] counts = new long[PackingLayout.size(shuffle.buckets())];
        try (RankExchange.Writer out = exchange.writer(rank)) {
            new PassOneRecorder(settings, progress, bytesRead).record(inputs, assignment.inputsOf(rank), out, shuffle,
                    exchange.shuffleSpill(rank, shuffle.buckets(), settings.tokenizer().vocabSize()),
                    exchange.auditRuns(rank), counts);
        } catch (IOException | RuntimeException e) {
            failed = true;
            reason = e.getMessage() != null ? e.getMessage() : e.toString();
            exchange.recordFailure(rank, reason);
        }
        // Every rank learns of every failure, so none waits for results that will not come, and every rank's
        // counts, so every rank knows where each bucket lands when packed.
        double[] reduced = new double[n + counts.length];
        reduced[rank] = failed ? 1 : 0;
        for (int i = 0; i < counts.length; i++) {
            reduced[n + i] = counts[i];
        }
        ranks.allReduceSum(reduced, 0, reduced.length);
        for (int r = 0; r < n; r++) {
            if (reduced[r] != 0) {
                throw new RankFailedException(r, r == rank && reason != null ? reason
                        : exchange.failure(r).orElse(RankFailedException.UNRECORDED));
            }
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (long) reduced[n + i];
        }
        return counts;
    }

    /** What every rank needs to pack: the offsets of every rank's numbers and deduplication's decision. */
    private record Plan(RankOffsets offsets, DedupDecision removed) {
    }

    /**
     * Step 2: rank 0 walks and decides ({@code walk}, null elsewhere) and tells every rank; {@code counts} (behind
     * {@code layout}) lose the removed documents on every rank.
     *
     * @return empty where rank 0 stopped (it throws why)
     */
    private Optional<Plan> plan(PackingLayout layout, long[] counts, Walk walk) throws IOException {
        // Status, each input's documents and training documents, the decision's sizes.
        double[] plan = new double[1 + 2 * inputs.size() + 2];
        DedupDecision removed = DedupDecision.NONE;
        if (walk != null) {
            try {
                long[] inputCounts = new long[2 * inputs.size()];
                removed = walk.walk(layout, inputCounts);
                plan[0] = 1;
                for (int i = 0; i < inputCounts.length; i++) {
                    plan[1 + i] = inputCounts[i];
                }
                plan[plan.length - 2] = removed.removedBits().length;
                plan[plan.length - 1] = removed.removedAuditIds().length;
            } catch (IOException | RuntimeException | Error e) {
                ranks.broadcast(plan, 0, plan.length, 0);
                throw e;
            }
        }
        ranks.broadcast(plan, 0, plan.length, 0);
        if (plan[0] == 0) {
            return Optional.empty();
        }
        long[] inputCounts = new long[2 * inputs.size()];
        for (int i = 0; i < inputCounts.length; i++) {
            inputCounts[i] = (long) plan[1 + i];
        }
        if (settings.dedup().enabled()) {
            removed = DecisionBroadcast.share(ranks, removed, counts, (int) plan[plan.length - 2],
                    (int) plan[plan.length - 1]);
        }
        return Optional.of(new Plan(RankOffsets.of(assignment, inputCounts), removed));
    }

    /** Rank 0's walk of the ranks' results, and what it learns for the report. */
    private final class Walk {
        final SourceSummary.Builder summary = new SourceSummary.Builder();
        final MalformedRecords malformed = new MalformedRecords(settings.failOnMalformed());
        /** Each input's SHA-256, from the rank that read it. */
        final String[] sha256 = new String[inputs.size()];
        BucketingPass bucketing;

        /**
         * @param inputCounts receives each input's documents and training documents
         * @return deduplication's decision (its removed documents taken out of {@code layout}), or none
         */
        DedupDecision walk(PackingLayout layout, long[] inputCounts) throws IOException {
            try (Deduplicator dedup = settings.dedup().enabled()
                    ? new Deduplicator(settings.dedup(), new MinHasher(), store) : null) {
                // Rank 0 lists the exclusions as it walks the ranks' streams in input order, as one process does.
                try (ExclusionList excluded = store.openExclusionList()) {
                    bucketing = new BucketingPass(shuffle, null, null, summary, dedup, excluded);
                    new PassOneReplay(exchange, assignment, progress).replay(inputs.size(), bucketing, malformed,
                            new RankOffsets(ranks.size()), inputCounts, sha256);
                }
                // The kept documents' sources reach rank 0 only after pass 2: the message cannot list the input's.
                DatasetPreparation.refuseUnmatchedSources(settings, bucketing.exclusions(), java.util.Set.of());
                if (bucketing.keptDocuments() == 0) {
                    throw new NoDocumentsException(bucketing.exclusions(), malformed.count());
                }
                if (dedup == null) {
                    return DedupDecision.NONE;
                }
                return DuplicateStep.decide(dedup, store, progress, summary, e -> layout.remove(
                        shuffle.bucketOf(new ContentHash(e.hash())), Split.ofFileName(e.split()), e.tokens()));
            }
        }
    }
}
