package dev.wafer.domain.data.prepare;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;
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
 * where the store can). Memory holds one batch per worker, one bucket and the exclusion list, never the corpus;
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
        long inputBytes = inputs.stream().mapToLong(s -> Math.max(0, s.sizeBytes())).sum();
        ShuffleBuckets shuffle = new ShuffleBuckets(settings.seed(),
                ShuffleBuckets.bucketsFor(Math.max(1, inputBytes), settings.bucketBytes()));
        SourceSummary.Builder summary = new SourceSummary.Builder();
        MalformedRecords malformed = new MalformedRecords(settings.failOnMalformed());
        try (ShuffleSpill spill = store.openShuffleSpill(shuffle.buckets(), settings.tokenizer().vocabSize());
             AuditIndexOutput auditIndex = store.openAuditIndex()) {
            BucketingPass bucketing = new BucketingPass(shuffle, spill, auditIndex, summary);
            read(inputs, inputBytes, bucketing, malformed);
            if (bucketing.keptDocuments() == 0) {
                // An empty dataset would train on nothing; say which rules removed what, before packing.
                throw new NoDocumentsException(bucketing.exclusions(), malformed.count());
            }
            spill.finishWriting();
            // The store may complete the index (merging its sorted runs) while pass 2 packs.
            auditIndex.finish(MembershipAudit.SHINGLE_WORDS, bucketing.trainDocuments());
            Map<Split, PreparationReport.SplitStats> splits =
                    new PackingPass(settings, store, shuffle, summary, progress).run(spill);
            auditIndex.close();
            double seconds = (System.nanoTime() - started) / 1e9;
            return new PreparationReport(summary.build(), splits, List.copyOf(bucketing.exclusions()),
                    List.copyOf(malformed.listed()), malformed.count(), bucketing.textBytes(), seconds,
                    shuffle.buckets());
        }
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
