package dev.wafer.app.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import dev.wafer.domain.data.Exclusion;
import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.SequencePacker;
import dev.wafer.domain.data.ShingleTable;
import dev.wafer.domain.data.ShuffleBuckets;
import dev.wafer.domain.data.SourceSummary;
import dev.wafer.domain.data.Split;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;

/**
 * Prepares a dataset (the {@code wafer data prepare} use case) in two passes over the input.
 *
 * <p>Pass 1 streams every input, hands batches of documents to a bounded pool of worker threads (normalise,
 * hash, rules, split, tokenise, audit shingles: {@link DocumentProcessor}) and consumes their results in input
 * order on this thread, appending kept documents to shuffle buckets and excluded ones to the exclusion list.
 * Pass 2 shuffles one bucket at a time ({@link ShuffleBuckets}), packs each split's documents with end-of-text
 * into fixed-length sequences, writes the shards and the per-document manifest. Memory holds one batch per
 * worker, one bucket, the exclusion list and the audit index under construction, never the corpus.
 */
public final class DatasetPreparer {
    /** Malformed records listed individually in the manifest; all are counted. */
    public static final int MAX_LISTED_MALFORMED = 1000;
    private static final int BATCH_DOCS = 256;
    private static final long BATCH_CHARS = 1 << 20;

    private final PrepareSettings settings;
    private final Progress progress;
    private final AtomicLong storedBytesRead = new AtomicLong();

    public DatasetPreparer(PrepareSettings settings, Progress progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Give this to {@link Inputs} so progress can follow the stored bytes read. */
    public LongConsumer byteCounter() {
        return storedBytesRead::addAndGet;
    }

    /**
     * Runs preparation.
     *
     * @throws MalformedInputException when malformed input is fatal
     */
    public PrepareReport prepare(List<DocumentSource> inputs) throws IOException {
        long started = System.nanoTime();
        DatasetLayout layout = new DatasetLayout(settings.out());
        Files.createDirectories(layout.dir());
        removePreviousOutput(layout);
        long inputBytes = inputs.stream().mapToLong(s -> Math.max(0, s.sizeBytes())).sum();
        ShuffleBuckets shuffle = new ShuffleBuckets(settings.seed(),
                ShuffleBuckets.bucketsFor(Math.max(1, inputBytes), settings.bucketBytes()));
        Pass1 pass1 = new Pass1(shuffle);
        try (ShuffleBucketFiles buckets = new ShuffleBucketFiles(layout.dir().resolve(".shuffle-tmp"),
                shuffle.buckets(), settings.tokenizer().vocabSize())) {
            pass1.buckets = buckets;
            pass1.run(inputs, inputBytes);
            buckets.finishWriting();
            Map<Split, PrepareReport.SplitStats> splits = pass2(layout, shuffle, buckets, pass1.summary);
            ShingleTable index = pass1.index.build();
            AuditIndexFile.write(layout.auditIndex(), index, MembershipAudit.SHINGLE_WORDS, pass1.trainDocs);
            double seconds = (System.nanoTime() - started) / 1e9;
            PrepareReport report = new PrepareReport(pass1.summary.build(), splits, pass1.exclusions,
                    pass1.malformed, pass1.malformedCount, pass1.textBytes, seconds, shuffle.buckets());
            ManifestJson.write(layout.manifest(), settings, inputs, report);
            return report;
        }
    }

    /** A dataset prepared into the same directory before must not leave shards behind that would be read. */
    private static void removePreviousOutput(DatasetLayout layout) throws IOException {
        try (var files = Files.list(layout.dir())) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (name.matches("(train|val|test)-\\d{5}\\.bin") || name.equals(DatasetLayout.MANIFEST)
                        || name.equals(DatasetLayout.DOCUMENTS) || name.equals(DatasetLayout.AUDIT_INDEX)) {
                    Files.delete(f);
                }
            }
        }
    }

    /** Pass 1: read, process in parallel, bucket. */
    private final class Pass1 implements DocumentVisitor {
        final ShuffleBuckets shuffle;
        final SourceSummary.Builder summary = new SourceSummary.Builder();
        final List<Exclusion> exclusions = new ArrayList<>();
        final List<MalformedRecord> malformed = new ArrayList<>();
        final ShingleTable.Builder index = new ShingleTable.Builder();
        final DocumentProcessor processor = new DocumentProcessor(settings);
        final ExecutorService pool = Executors.newFixedThreadPool(settings.threads(), r -> {
            Thread t = new Thread(r, "wafer-prepare");
            t.setDaemon(true);
            return t;
        });
        final ArrayDeque<Future<List<ProcessedDocument>>> pending = new ArrayDeque<>();
        ShuffleBucketFiles buckets;
        List<RawDocument> batch = new ArrayList<>();
        long batchChars;
        long ordinal;
        long firstOrdinalOfBatch;
        long malformedCount;
        long textBytes;
        int trainDocs;
        Progress.Task task;

        Pass1(ShuffleBuckets shuffle) {
            this.shuffle = shuffle;
        }

        void run(List<DocumentSource> inputs, long inputBytes) throws IOException {
            try (Progress.Task t = progress.start("reading", inputBytes > 0 ? inputBytes : -1, "B")) {
                task = t;
                for (DocumentSource source : inputs) {
                    source.read(this);
                }
                submit();
                while (!pending.isEmpty()) {
                    drainOldest();
                }
            } finally {
                pool.shutdownNow();
            }
        }

        @Override
        public void document(RawDocument document) {
            if (batch.isEmpty()) {
                firstOrdinalOfBatch = ordinal;
            }
            ordinal++;
            batch.add(document);
            batchChars += document.text().length();
            if (batch.size() >= BATCH_DOCS || batchChars >= BATCH_CHARS) {
                submit();
            }
        }

        @Override
        public void malformed(MalformedRecord record) {
            malformedCount++;
            if (malformed.size() < MAX_LISTED_MALFORMED) {
                malformed.add(record);
            }
            if (settings.failOnMalformed()) {
                throw new MalformedInputException(record);
            }
        }

        private void submit() {
            if (batch.isEmpty()) {
                return;
            }
            List<RawDocument> docs = batch;
            long first = firstOrdinalOfBatch;
            batch = new ArrayList<>();
            batchChars = 0;
            pending.add(pool.submit(() -> {
                List<ProcessedDocument> out = new ArrayList<>(docs.size());
                for (int i = 0; i < docs.size(); i++) {
                    out.add(processor.process(first + i, docs.get(i)));
                }
                return out;
            }));
            // Bounded: at most two batches per worker in flight, so memory does not grow with the input.
            while (pending.size() > 2 * settings.threads()) {
                drainOldest();
            }
        }

        private void drainOldest() {
            List<ProcessedDocument> docs;
            try {
                docs = pending.poll().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("preparation interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException("document processing failed: " + e.getCause(), e.getCause());
            }
            try {
                for (ProcessedDocument d : docs) {
                    consume(d);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot write shuffle bucket", e);
            }
            task.stepTo(storedBytesRead.get());
        }

        private void consume(ProcessedDocument d) throws IOException {
            textBytes += d.textBytes();
            if (d.exclusion() != null) {
                exclusions.add(d.exclusion());
                summary.excluded(d.provenance().source());
                return;
            }
            int auditId = -1;
            if (d.split() == Split.TRAIN) {
                auditId = trainDocs++;
                for (long s : d.shingles()) {
                    index.add(s, auditId);
                }
            }
            buckets.append(shuffle.bucketOf(d.provenance().hash()), d, auditId);
        }
    }

    /** Pass 2: shuffle each bucket, pack per split, write shards and the per-document manifest. */
    private Map<Split, PrepareReport.SplitStats> pass2(DatasetLayout layout, ShuffleBuckets shuffle,
                                                       ShuffleBucketFiles buckets, SourceSummary.Builder summary)
            throws IOException {
        int eot = settings.tokenizer().endOfTextId();
        Map<Split, ShardSeriesWriter> writers = new EnumMap<>(Split.class);
        Map<Split, SequencePacker> packers = new EnumMap<>(Split.class);
        Map<Split, long[]> counts = new EnumMap<>(Split.class);
        for (Split s : Split.values()) {
            ShardSeriesWriter w = new ShardSeriesWriter(layout, s, settings.tokenizer().vocabSize(), settings.seqLen(),
                    settings.sequencesPerShard());
            writers.put(s, w);
            packers.put(s, new SequencePacker(settings.seqLen(), eot, w));
            counts.put(s, new long[2]);
        }
        Map<Split, PrepareReport.SplitStats> stats = new EnumMap<>(Split.class);
        try (BufferedWriter docs = Files.newBufferedWriter(layout.documents(), StandardCharsets.UTF_8);
             Progress.Task task = progress.start("shuffling and packing", shuffle.buckets(), "buckets")) {
            for (int b = 0; b < shuffle.buckets(); b++) {
                List<ShuffleBucketFiles.Entry> entries = buckets.readAndDelete(b);
                shuffle.shuffle(b, entries, e -> e.provenance().hash(), ShuffleBucketFiles.Entry::ordinal);
                for (ShuffleBucketFiles.Entry e : entries) {
                    ShardSeriesWriter w = writers.get(e.split());
                    long position = packers.get(e.split()).add(e.tokens());
                    long perShard = w.tokensPerShard();
                    docs.write(ManifestJson.documentLine(e.provenance(), e.tokens().length, e.split(),
                            (int) (position / perShard), position % perShard, e.auditId()));
                    docs.write('\n');
                    summary.kept(e.provenance().source(), e.tokens().length);
                    long[] c = counts.get(e.split());
                    c[0]++;
                    c[1] += e.tokens().length;
                }
                task.stepTo(b + 1);
            }
            for (Split s : Split.values()) {
                int dropped = packers.get(s).finish();
                ShardSeriesWriter w = writers.get(s);
                w.close();
                List<Long> shardCounts = w.shardCounts();
                long sequences = shardCounts.stream().mapToLong(Long::longValue).sum();
                stats.put(s, new PrepareReport.SplitStats(counts.get(s)[0], counts.get(s)[1], sequences, shardCounts,
                        dropped));
            }
        } finally {
            for (ShardSeriesWriter w : writers.values()) {
                w.close();
            }
        }
        return stats;
    }
}
