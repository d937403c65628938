package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.dedup.DedupDecision;
import dev.wafer.domain.data.dedup.Deduplicator;
import dev.wafer.domain.data.dedup.MinHasher;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.DuplicateList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankExchange;
import dev.wafer.ports.data.prepare.ShuffleSpill;

/**
 * Prepares a dataset (the {@code wafer data prepare} use case) in two passes over the input.
 *
 * <p>Pass 1 streams every input, has batches of documents normalised, hashed, checked against the rules, split,
 * tokenised and shingled on a bounded pool of worker threads, and consumes the results in input order
 * ({@link InputOrderProcessing}), spilling kept documents to shuffle buckets and listing excluded ones
 * ({@link BucketingPass}). Pass 2 shuffles one bucket at a time, packs each split's documents with end-of-text
 * into fixed-length sequences and writes the shards and the list of packed documents ({@link PackingPass}); then
 * the membership-audit index, fed during pass 1, is completed by the store (in the background while pass 2 packs,
 * where the store can). With deduplication on, a step between the passes decides which kept documents are
 * duplicates of earlier ones ({@link Deduplicator}); pass 2 skips them and the audit index leaves them out.
 * Under several ranks pass 2 is spread over them ({@link #prepare(List, Collective, RankExchange)}).
 * Memory holds one batch per worker, one bucket and the exclusion list, never the corpus;
 * the store bounds the audit index's memory. The output depends on the settings and documents only, not
 * on the number of threads.
 */
public final class DatasetPreparation {
    /** Malformed records listed individually in the report; all are counted. */
    public static final int MAX_LISTED_MALFORMED = 1000;

    private final PreparationSettings settings;
    private final PreparedDatasetStore store;
    private final ProgressReporter progress;
    private final AtomicLong storedBytesRead = new AtomicLong();

    /**
     * @param settings what to do with the documents
     * @param store    where the dataset and the shuffle's scratch space go
     * @param progress receives progress, task {@code reading} (bytes) then {@code shuffling and packing} (buckets)
     */
    public DatasetPreparation(PreparationSettings settings, PreparedDatasetStore store, ProgressReporter progress) {
        this.settings = settings;
        this.store = store;
        this.progress = progress;
    }

    /** Give this to the document sources so progress can follow the stored bytes they read (thread-safe). */
    public LongConsumer byteCounter() {
        return storedBytesRead::addAndGet;
    }

    /**
     * Prepares the documents of {@code inputs}, read in list order.
     *
     * @throws MalformedInputException when malformed input is fatal
     * @throws NoDocumentsException when no document is left to keep
     * @throws java.io.UncheckedIOException when the store fails while packing or spilling
     */
    public PreparationReport prepare(List<DocumentSource> inputs) throws IOException {
        long started = System.nanoTime();
        return build(inputs, started, (bucketing, malformed) -> read(inputs, totalBytes(inputs), bucketing, malformed));
    }

    /**
     * Prepares the documents of {@code inputs} with every rank of {@code ranks}, into the same dataset a single
     * process prepares. Every rank must call this with the same inputs and settings. Each rank reads and
     * processes whole inputs ({@link InputAssignment}: balanced by size), spills its kept documents to its own
     * shuffle buckets and audit runs in {@code exchange} with rank-local numbers, and writes the rest of its results
     * (exclusions, malformed records, per-input counts; kept documents' signatures for deduplication) to its stream,
     * and the documents and tokens it spilled per bucket and split go into one all-reduce. Rank 0 alone then walks
     * the streams in input order (and decides duplicates) and broadcasts each input's counts (and the decision),
     * from which every rank derives the offsets of every rank's numbers ({@link RankOffsets}). Pass 2 runs on every
     * rank ({@link SpreadPassTwo}): each packs a range of buckets into its stretch of the shards and merges a key range
     * of the audit runs into its piece of the index, writing into {@code store}, which every rank shares; rank 0
     * assembles the pieces. A single input is read by one rank: parallelism across ranks comes from the number of
     * inputs (a Pile-format corpus comes as many files), within a rank from its threads.
     *
     * @return the report on rank 0, empty on the other ranks
     * @throws MalformedInputException on rank 0 when malformed input is fatal
     * @throws NoDocumentsException on rank 0 when no document is left to keep
     * @throws RankFailedException on every rank when a rank could not complete pass 1 or its share of pass 2
     * @throws IOException on rank 0 when an input cannot be read (as a single process reports it)
     */
    public Optional<PreparationReport> prepare(List<DocumentSource> inputs, Collective ranks, RankExchange exchange)
            throws IOException {
        if (ranks.size() == 1) {
            return Optional.of(prepare(inputs));
        }
        long started = System.nanoTime();
        InputAssignment assignment = InputAssignment.balance(
                inputs.stream().mapToLong(DocumentSource::sizeBytes).toArray(), ranks.size());
        int rank = ranks.rank();
        int n = ranks.size();
        boolean failed = false;
        ShuffleBuckets shuffle = shuffleFor(inputs);
        int vocabSize = settings.tokenizer().vocabSize();
        long[] counts = new long[PackingLayout.size(shuffle.buckets())];
        try (RankExchange.Writer out = exchange.writer(rank)) {
            new PassOneRecorder(settings, progress, storedBytesRead::get).record(inputs, assignment.inputsOf(rank), out,
                    shuffle, exchange.shuffleSpill(rank, shuffle.buckets(), vocabSize), exchange.auditRuns(rank),
                    counts);
        } catch (IOException | RuntimeException e) {
            failed = true;
            exchange.recordFailure(rank, e.getMessage() != null ? e.getMessage() : e.toString());
        }
        // Every rank learns of every failure, so none waits for results that will not come, and every rank's
        // documents and tokens per bucket and split, so every rank knows where each bucket lands when packed.
        double[] reduced = new double[n + counts.length];
        reduced[rank] = failed ? 1 : 0;
        for (int i = 0; i < counts.length; i++) {
            reduced[n + i] = counts[i];
        }
        ranks.allReduceSum(reduced, 0, reduced.length);
        for (int r = 0; r < n; r++) {
            if (reduced[r] != 0) {
                throw new RankFailedException(r, exchange.failure(r).orElse("no reason recorded"));
            }
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (long) reduced[n + i];
        }
        long handedOver = System.nanoTime();
        // Rank 0 alone walks the ranks' results in input order (exclusions, malformed records, counts; with
        // deduplication every kept document's signature, and decides), then tells every rank each input's counts,
        // from which all derive the same offsets, and what deduplication removed, or that it stopped.
        SourceSummary.Builder summary = new SourceSummary.Builder();
        MalformedRecords malformed = new MalformedRecords(settings.failOnMalformed());
        PackingLayout layout = new PackingLayout(shuffle.buckets(), counts);
        BucketingPass bucketing = null;
        DedupDecision removed = DedupDecision.NONE;
        double[] plan = new double[1 + 2 * inputs.size() + 2];
        if (rank == 0) {
            try (Deduplicator dedup = settings.dedup().enabled()
                    ? new Deduplicator(settings.dedup(), new MinHasher(), store) : null) {
                bucketing = new BucketingPass(shuffle, null, null, summary, dedup);
                long[] inputCounts = new long[2 * inputs.size()];
                new PassOneReplay(exchange, assignment, progress).replay(inputs.size(), bucketing, malformed,
                        new RankOffsets(n), inputCounts);
                if (bucketing.keptDocuments() == 0) {
                    throw new NoDocumentsException(bucketing.exclusions(), malformed.count());
                }
                if (dedup != null) {
                    removed = decideDuplicates(dedup, summary, e -> layout.remove(
                            shuffle.bucketOf(new dev.wafer.domain.data.ContentHash(e.hash())),
                            Split.ofFileName(e.split()), e.tokens()));
                }
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
            // Rank 0 reports why, as one process would.
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
        long planned = System.nanoTime();
        new SpreadPassTwo(settings, shuffle, layout, RankOffsets.of(assignment, inputCounts), removed,
                progress)
                .run(ranks, exchange, store);
        if (rank != 0) {
            return Optional.empty();
        }
        long packed = System.nanoTime();
        for (int r = 0; r < n; r++) {
            exchange.keptBySource(r).forEach((source, c) -> summary.kept(source, c[0], c[1]));
        }
        store.assembleRankShares(n, settings.sequenceLength(), vocabSize, MembershipAudit.SHINGLE_WORDS,
                layout.documents(Split.TRAIN));
        Map<Split, PreparationReport.SplitStats> splits = new java.util.EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            splits.put(s, layout.stats(s, settings.sequenceLength(), settings.sequencesPerShard()));
        }
        long done = System.nanoTime();
        return Optional.of(new PreparationReport(summary.build(), splits, List.copyOf(bucketing.exclusions()),
                List.copyOf(malformed.listed()), malformed.count(), bucketing.textBytes(), (done - started) / 1e9,
                shuffle.buckets(), (handedOver - started) / 1e9,
                ((planned - handedOver) + (done - packed)) / 1e9));
    }

    /** The shuffle: every rank derives the same one from the settings and the inputs' sizes. */
    private ShuffleBuckets shuffleFor(List<DocumentSource> inputs) {
        return new ShuffleBuckets(settings.seed(),
                ShuffleBuckets.bucketsFor(Math.max(1, totalBytes(inputs)), settings.bucketBytes()));
    }

    /** How pass 1's results reach the bucketing pass. */
    @FunctionalInterface
    private interface PassOne {
        void run(BucketingPass bucketing, MalformedRecords malformed) throws IOException;
    }

    /** One process: pass 1, deduplication, pass 2. */
    private PreparationReport build(List<DocumentSource> inputs, long started, PassOne passOne) throws IOException {
        ShuffleBuckets shuffle = shuffleFor(inputs);
        SourceSummary.Builder summary = new SourceSummary.Builder();
        MalformedRecords malformed = new MalformedRecords(settings.failOnMalformed());
        try (ShuffleSpill spill = store.openShuffleSpill(shuffle.buckets(), settings.tokenizer().vocabSize());
             AuditIndexOutput auditIndex = store.openAuditIndex();
             Deduplicator dedup = settings.dedup().enabled()
                     ? new Deduplicator(settings.dedup(), new MinHasher(), store) : null) {
            BucketingPass bucketing = new BucketingPass(shuffle, spill, auditIndex, summary, dedup);
            passOne.run(bucketing, malformed);
            double passOneSeconds = (System.nanoTime() - started) / 1e9;
            if (bucketing.keptDocuments() == 0) {
                // An empty dataset would train on nothing; say which rules removed what, before packing.
                throw new NoDocumentsException(bucketing.exclusions(), malformed.count());
            }
            spill.finishWriting();
            DedupDecision removed = DedupDecision.NONE;
            if (dedup == null) {
                // The store may complete the index (merging its sorted runs) while pass 2 packs.
                auditIndex.finish(MembershipAudit.SHINGLE_WORDS, bucketing.trainDocuments());
            } else {
                removed = decideDuplicates(dedup, summary);
                int[] removedTrain = removed.removedAuditIds();
                auditIndex.finish(MembershipAudit.SHINGLE_WORDS, bucketing.trainDocuments() - removedTrain.length,
                        removedTrain);
            }
            Map<Split, PreparationReport.SplitStats> splits =
                    new PackingPass(settings, store, shuffle, summary, progress, removed).run(spill);
            auditIndex.close();
            double seconds = (System.nanoTime() - started) / 1e9;
            return new PreparationReport(summary.build(), splits, List.copyOf(bucketing.exclusions()),
                    List.copyOf(malformed.listed()), malformed.count(), bucketing.textBytes(), seconds,
                    shuffle.buckets(), passOneSeconds, seconds - passOneSeconds);
        }
    }

    /** The step between the passes: which kept documents are duplicates; lists them in the store. */
    private DedupDecision decideDuplicates(Deduplicator dedup, SourceSummary.Builder summary) throws IOException {
        return decideDuplicates(dedup, summary, e -> { });
    }

    /** As {@link #decideDuplicates(Deduplicator, SourceSummary.Builder)}, handing each removed document over. */
    private DedupDecision decideDuplicates(Deduplicator dedup, SourceSummary.Builder summary,
                                           java.util.function.Consumer<dev.wafer.ports.data.prepare.DedupRecords.Entry>
                                                   removed) throws IOException {
        DedupDecision decision;
        try (ProgressReporter.Task task = progress.start("finding duplicates", -1, "");
             DuplicateList list = store.openDuplicateList()) {
            decision = dedup.decide(list, removed);
        }
        decision.bySource().forEach(summary::duplicates);
        return decision;
    }

    private static long totalBytes(List<DocumentSource> inputs) {
        return inputs.stream().mapToLong(s -> Math.max(0, s.sizeBytes())).sum();
    }

    private void read(List<DocumentSource> inputs, long inputBytes, BucketingPass bucketing, MalformedRecords malformed)
            throws IOException {
        try (ProgressReporter.Task task = progress.start("reading", inputBytes > 0 ? inputBytes : -1, "B");
             InputOrderProcessing processing = new InputOrderProcessing(new DocumentProcessor(settings),
                     settings.threads(), bucketing, malformed, () -> task.stepTo(storedBytesRead.get()))) {
            for (DocumentSource source : inputs) {
                source.read(processing);
            }
            processing.finish();
        }
    }
}
