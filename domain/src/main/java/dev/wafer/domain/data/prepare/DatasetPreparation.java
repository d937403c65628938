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
import dev.wafer.ports.data.prepare.ExclusionList;
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
 * Memory holds one batch per worker and one bucket, never the corpus (excluded documents go to the store's list as
 * they come);
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
     * A preparation with the given settings, store and progress reporter.
     *
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
     * @throws UnmatchedSourceException when an excluded source matched no document and is no Pile source
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
     * @throws UnmatchedSourceException on rank 0 when an excluded source matched no document and is no Pile source
     * @throws RankFailedException on every rank when a rank could not complete pass 1 or its share of pass 2
     * @throws IOException on rank 0 when an input cannot be read (as a single process reports it)
     */
    public Optional<PreparationReport> prepare(List<DocumentSource> inputs, Collective ranks, RankExchange exchange)
            throws IOException {
        if (ranks.size() == 1) {
            return Optional.of(prepare(inputs));
        }
        return new MultiRankPreparation(settings, store, progress, storedBytesRead::get, inputs, shuffleFor(inputs),
                ranks, exchange).run();
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
             ExclusionList excluded = store.openExclusionList();
             Deduplicator dedup = settings.dedup().enabled()
                     ? new Deduplicator(settings.dedup(), new MinHasher(), store) : null) {
            BucketingPass bucketing = new BucketingPass(shuffle, spill, auditIndex, summary, dedup, excluded);
            passOne.run(bucketing, malformed);
            excluded.close();
            double passOneSeconds = (System.nanoTime() - started) / 1e9;
            refuseUnmatchedSources(settings, bucketing.exclusions(), bucketing.sources());
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
                removed = DuplicateStep.decide(dedup, store, progress, summary, e -> { });
                int[] removedTrain = removed.removedAuditIds();
                auditIndex.finish(MembershipAudit.SHINGLE_WORDS, bucketing.trainDocuments() - removedTrain.length,
                        removedTrain);
            }
            Map<Split, PreparationReport.SplitStats> splits =
                    new PackingPass(settings, store, shuffle, summary, progress, removed).run(spill);
            auditIndex.close();
            double seconds = (System.nanoTime() - started) / 1e9;
            return new PreparationReport(summary.build(), splits, bucketing.exclusions(),
                    List.copyOf(malformed.listed()), malformed.count(), bucketing.textBytes(), seconds,
                    shuffle.buckets(), passOneSeconds, seconds - passOneSeconds,
                    inputs.stream().map(DocumentSource::sha256).toList());
        }
    }

    /**
     * Throws when an excluded source matched no document and is no Pile source ({@link
     * dev.wafer.domain.data.ProvenanceRules#unmatchedSources}).
     *
     * @param seen the sources of the documents read, where known
     */
    static void refuseUnmatchedSources(PreparationSettings settings, ExclusionTally exclusions,
            java.util.Set<String> seen) {
        // One exclusion per excluded source is enough to tell that the source matched.
        List<String> unmatched = settings.rules().unmatchedSources(exclusions.firsts());
        if (!unmatched.isEmpty()) {
            throw new UnmatchedSourceException(unmatched, seen);
        }
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
