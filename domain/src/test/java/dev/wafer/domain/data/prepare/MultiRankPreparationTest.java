package dev.wafer.domain.data.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.domain.data.prepare.DatasetPreparationTest.Corpus;
import dev.wafer.domain.data.prepare.DatasetPreparationTest.MemoryStore;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;
import dev.wafer.ports.data.UnreadableInputException;
import dev.wafer.ports.data.prepare.PassOneRecord;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.RankExchange;

/**
 * Preparation across ranks (ranks as threads of this JVM, the exchange in memory) equals a single process's
 * preparation of the same inputs: documents, shards, audit index, report; and stops where a single process stops.
 */
class MultiRankPreparationTest {
    private static final ProgressReporter QUIET = (name, total, unit) -> new ProgressReporter.Task() {
        @Override
        public void stepTo(long done) {
        }

        @Override
        public void close() {
        }
    };

    /** Five inputs of different sizes, one malformed record, a few documents of the excluded source. */
    private static List<DocumentSource> inputs() {
        List<DocumentSource> inputs = new ArrayList<>();
        int[] sizes = {120, 40, 260, 15, 90};
        for (int i = 0; i < sizes.length; i++) {
            Corpus c = DatasetPreparationTest.corpus(sizes[i]);
            String prefix = "in" + i + ":";
            List<RawDocument> docs = c.docs().stream().map(d -> new RawDocument(d.text(), d.source(), d.licence(),
                    prefix + d.location())).toList();
            inputs.add(new Corpus(docs, new TreeMap<>()));
        }
        ((Corpus) inputs.get(2)).malformed().put(17, new MalformedRecord("in2:18", "invalid UTF-8"));
        return inputs;
    }

    private static PreparationSettings settings(boolean failOnMalformed) {
        return new PreparationSettings(DatasetPreparationTest.BYTES, DatasetPreparationTest.SEQ, 11,
                new SplitAssigner(0.7, 0.15, 0.15),
                new ProvenanceRules(Set.of("Secret"), Set.of(), new WorkMatcher(List.of())), "unknown", "unknown",
                failOnMalformed, 2, DatasetPreparationTest.PER_SHARD, 20_000);
    }

    @Test
    void twoAndThreeRanksPrepareWhatOneProcessPrepares() throws Exception {
        List<DocumentSource> inputs = inputs();
        MemoryStore single = new MemoryStore();
        PreparationReport expected = new DatasetPreparation(settings(false), single, QUIET).prepare(inputs);
        assertTrue(expected.shuffleBuckets() > 1, "several buckets: " + expected.shuffleBuckets());
        for (int ranks : new int[] {2, 3}) {
            MemoryStore lead = new MemoryStore();
            MemoryExchange exchange = new MemoryExchange();
            // Every rank writes its share of pass 2 into the same store; rank 0 assembles the pieces.
            List<Object> results = runRanks(ranks, r -> new DatasetPreparation(settings(false), lead, QUIET)
                    .prepare(inputs, ThreadRanks.rank(r), exchange));
            PreparationReport report = ((Optional<?>) results.get(0)).map(PreparationReport.class::cast).orElseThrow();
            for (int r = 1; r < ranks; r++) {
                assertEquals(Optional.empty(), results.get(r), "rank " + r + " returns nothing");
            }
            assertEquals(single.documents, lead.documents, ranks + " ranks");
            assertEquals(single.shardDump(), lead.shardDump(), ranks + " ranks");
            assertArrayEquals(single.auditKeys, lead.auditKeys, ranks + " ranks");
            assertArrayEquals(single.auditIds, lead.auditIds, ranks + " ranks");
            assertEquals(expected.summary(), report.summary());
            assertEquals(expected.splits(), report.splits());
            assertEquals(expected.exclusions(), report.exclusions());
            assertFalse(single.exclusions.isEmpty(), "the corpus has exclusions");
            assertEquals(single.exclusions, lead.exclusions, ranks + " ranks list the exclusions as one process");
            assertEquals(expected.malformed(), report.malformed());
            assertEquals(expected.textBytes(), report.textBytes());
            assertEquals(ranks, exchange.written.size(), "every rank wrote its stream");
            Set<Integer> writers = new HashSet<>();
            exchange.written.forEach((rank, records) -> {
                if (records.stream().anyMatch(e -> e instanceof PassOneRecord.End end && end.kept() > 0)) {
                    writers.add(rank);
                }
                // Rank 0 replays no kept document: their tokens and shingles stay in the ranks' buckets and runs.
                assertEquals(List.of(), records.stream().filter(PassOneRecord.Kept.class::isInstance).toList(),
                        "rank " + rank + " hands no kept document to rank 0 one by one");
            });
            assertEquals(ranks, writers.size(), "the inputs are shared out: every rank read documents");
            assertTrue(exchange.auditPairs.values().stream().allMatch(p -> !p.isEmpty()),
                    "every rank sorted its own audit pairs");
            assertEquals(ranks, lead.shares.opened.size(), "every rank packed a share of pass 2");
        }
    }

    /**
     * With deduplication, copies read by different ranks are removed as one process removes them, and rank 0 still
     * sees no document's tokens or shingles: kept documents come to it with their signatures only.
     */
    @Test
    void ranksDeduplicateAsOneProcessWithoutHandingOverTokensOrShingles() throws Exception {
        List<DocumentSource> inputs = new ArrayList<>(inputs());
        List<RawDocument> copies = new ArrayList<>();
        for (int from : new int[] {0, 2, 4}) {
            List<RawDocument> docs = ((Corpus) inputs.get(from)).docs();
            for (int i = 0; i < docs.size(); i += 9) {
                RawDocument d = docs.get(i);
                copies.add(new RawDocument(d.text(), d.source(), d.licence(), "copies:" + from + ":" + i));
            }
        }
        inputs.add(new Corpus(copies, new TreeMap<>()));
        for (dev.wafer.domain.data.dedup.DedupMode mode : dev.wafer.domain.data.dedup.DedupMode.values()) {
            if (!new dev.wafer.domain.data.dedup.DedupSettings(mode, 0.8).enabled()) {
                continue;
            }
            PreparationSettings plain = settings(false);
            PreparationSettings dedup = new PreparationSettings(DatasetPreparationTest.BYTES,
                    DatasetPreparationTest.SEQ, 11, new SplitAssigner(0.7, 0.15, 0.15),
                    new ProvenanceRules(Set.of("Secret"), Set.of(), new WorkMatcher(List.of())), "unknown", "unknown",
                    false, 2, DatasetPreparationTest.PER_SHARD, 20_000,
                    new dev.wafer.domain.data.dedup.DedupSettings(mode,
                            dev.wafer.domain.data.dedup.DedupSettings.DEFAULT_THRESHOLD));
            assertEquals(plain.seed(), dedup.seed());
            MemoryStore single = new MemoryStore();
            PreparationReport expected = new DatasetPreparation(dedup, single, QUIET).prepare(inputs);
            assertTrue(single.duplicates.size() >= copies.size(), mode + ": the copies are removed: "
                    + single.duplicates.size());
            for (int ranks : new int[] {2, 3}) {
                MemoryStore lead = new MemoryStore();
                MemoryExchange exchange = new MemoryExchange();
                List<Object> results = runRanks(ranks, r -> new DatasetPreparation(dedup, lead, QUIET)
                        .prepare(inputs, ThreadRanks.rank(r), exchange));
                PreparationReport report = ((Optional<?>) results.get(0)).map(PreparationReport.class::cast)
                        .orElseThrow();
                String what = mode + ", " + ranks + " ranks";
                assertEquals(single.duplicates, lead.duplicates, what);
                assertEquals(single.documents, lead.documents, what);
                assertEquals(single.shardDump(), lead.shardDump(), what);
                assertArrayEquals(single.auditKeys, lead.auditKeys, what);
                assertArrayEquals(single.auditIds, lead.auditIds, what);
                assertEquals(expected.summary(), report.summary(), what);
                assertEquals(expected.splits(), report.splits(), what);
                assertEquals(ranks, lead.shares.opened.size(), what + ": every rank packed a share of pass 2");
                exchange.written.values().forEach(records -> records.stream()
                        .filter(PassOneRecord.Kept.class::isInstance).map(PassOneRecord.Kept.class::cast)
                        .forEach(k -> assertTrue(k.tokens() == null && k.shingles() == null,
                                what + ": a kept document travels without tokens and shingles")));
            }
        }
    }

    @Test
    void theFirstMalformedRecordInInputOrderStopsItWhenFatal() throws Exception {
        List<DocumentSource> inputs = inputs();
        ((Corpus) inputs.get(4)).malformed().put(3, new MalformedRecord("in4:4", "not JSON"));
        String single = null;
        try {
            new DatasetPreparation(settings(true), new MemoryStore(), QUIET).prepare(inputs);
        } catch (MalformedInputException e) {
            single = e.getMessage();
        }
        assertEquals("in2:18: invalid UTF-8", single);
        MemoryExchange exchange = new MemoryExchange();
        List<Object> results = runRanks(2, r -> new DatasetPreparation(settings(true), r == 0 ? new MemoryStore()
                : UNTOUCHED, QUIET).prepare(inputs, ThreadRanks.rank(r), exchange));
        assertEquals(single, assertInstanceOf(MalformedInputException.class, results.get(0)).getMessage());
    }

    /** An excluded source no document has (and no Pile source) stops one process and every rank before packing. */
    @Test
    void anExcludedSourceThatMatchesNothingStopsEveryRankAsOneProcess() throws Exception {
        PreparationSettings typo = new PreparationSettings(DatasetPreparationTest.BYTES, DatasetPreparationTest.SEQ,
                11, new SplitAssigner(0.7, 0.15, 0.15), new ProvenanceRules(Set.of("Secret", "Secrte", "Books3"),
                Set.of(), new WorkMatcher(List.of())), "unknown", "unknown", false, 2, DatasetPreparationTest.PER_SHARD,
                20_000);
        UnmatchedSourceException single = org.junit.jupiter.api.Assertions.assertThrows(
                UnmatchedSourceException.class, () -> new DatasetPreparation(typo, new MemoryStore(), QUIET)
                        .prepare(inputs()));
        assertEquals(List.of("Secrte"), single.names());
        assertTrue(single.seen().contains("Secret"), single.seen().toString());
        MemoryExchange exchange = new MemoryExchange();
        List<Object> results = runRanks(2, r -> new DatasetPreparation(typo, r == 0 ? new MemoryStore() : UNTOUCHED,
                QUIET).prepare(inputs(), ThreadRanks.rank(r), exchange));
        assertEquals(List.of("Secrte"), assertInstanceOf(UnmatchedSourceException.class, results.get(0)).names());
        assertEquals(java.util.Optional.empty(), results.get(1));
    }

    @Test
    void anUnreadableInputFailsAsInOneProcess() throws Exception {
        List<DocumentSource> inputs = new ArrayList<>(inputs());
        inputs.set(3, new Broken(inputs.get(3), 5));
        String single = null;
        try {
            new DatasetPreparation(settings(false), new MemoryStore(), QUIET).prepare(inputs);
        } catch (IOException e) {
            single = e.getMessage();
        }
        assertEquals("broken.zst: corrupt frame after 5 documents", single);
        MemoryExchange exchange = new MemoryExchange();
        List<Object> results = runRanks(2, r -> new DatasetPreparation(settings(false), r == 0 ? new MemoryStore()
                : UNTOUCHED, QUIET).prepare(inputs, ThreadRanks.rank(r), exchange));
        // The reading rank hands its message over as text; rank 0 rethrows it with its type (the CLI's one line).
        assertEquals(single, assertInstanceOf(UnreadableInputException.class, results.get(0)).getMessage());
    }

    @Test
    void aRankThatCannotWriteItsResultsStopsEveryRank() throws Exception {
        MemoryExchange exchange = new MemoryExchange();
        exchange.failingRank = 1;
        List<Object> results = runRanks(3, r -> new DatasetPreparation(settings(false), r == 0 ? new MemoryStore()
                : UNTOUCHED, QUIET).prepare(inputs(), ThreadRanks.rank(r), exchange));
        for (Object o : results) {
            RankFailedException e = assertInstanceOf(RankFailedException.class, o);
            assertEquals(1, e.rank());
            assertEquals("rank 1 failed while reading its inputs: disk full", e.getMessage());
        }
    }

    /**
     * A failed rank that cannot record why (the shared directory unwritable for it) still says why itself; the others
     * say where to look. Every rank said "no reason recorded", the failed one included.
     */
    @Test
    void aRankThatCannotRecordItsFailureStillNamesItsReason() throws Exception {
        MemoryExchange exchange = new MemoryExchange();
        exchange.failingRank = 1;
        exchange.unrecordable = true;
        List<Object> results = runRanks(2, r -> new DatasetPreparation(settings(false), r == 0 ? new MemoryStore()
                : UNTOUCHED, QUIET).prepare(inputs(), ThreadRanks.rank(r), exchange));
        assertEquals("rank 1 failed while reading its inputs: " + RankFailedException.UNRECORDED,
                assertInstanceOf(RankFailedException.class, results.get(0)).getMessage());
        assertEquals("rank 1 failed while reading its inputs: disk full",
                assertInstanceOf(RankFailedException.class, results.get(1)).getMessage());
    }

    @Test
    void aRankThatCannotWriteItsShareOfPassTwoStopsEveryRank() throws Exception {
        MemoryStore lead = new MemoryStore();
        lead.failingShare = 2;
        MemoryExchange exchange = new MemoryExchange();
        List<Object> results = runRanks(3, r -> new DatasetPreparation(settings(false), lead, QUIET)
                .prepare(inputs(), ThreadRanks.rank(r), exchange));
        for (Object o : results) {
            RankFailedException e = assertInstanceOf(RankFailedException.class, o);
            assertEquals(2, e.rank());
            assertEquals("rank 2 failed while packing its share: disk full", e.getMessage());
        }
        assertEquals(List.of(), lead.documents, "rank 0 assembles nothing");
    }

    @Test
    void inputsAreSharedByBytesAndEveryRankComputesTheSameAssignment() {
        InputAssignment a = InputAssignment.balance(new long[] {100, 10, 300, 5, 90, -1}, 2);
        assertEquals(List.of(2), a.inputsOf(0), "the largest input alone outweighs the rest");
        assertEquals(List.of(0, 1, 3, 4, 5), a.inputsOf(1));
        InputAssignment b = InputAssignment.balance(new long[] {7, 7, 7, 7}, 3);
        assertEquals(List.of(0, 3), b.inputsOf(0), "ties go to the lower input and rank");
        assertEquals(List.of(1), b.inputsOf(1));
        assertEquals(List.of(2), b.inputsOf(2));
    }

    /** Runs one task per rank on its own thread; each result is the returned value or the thrown exception. */
    private static List<Object> runRanks(int ranks, RankTask task) throws Exception {
        ThreadRanks.start(ranks);
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                futures.add(pool.submit(() -> {
                    try {
                        return task.run(rank);
                    } catch (Exception e) {
                        return e;
                    }
                }));
            }
            List<Object> results = new ArrayList<>();
            for (Future<Object> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface RankTask {
        Object run(int rank) throws Exception;
    }

    /** Ranks other than 0 must not write the dataset. */
    private static final PreparedDatasetStore UNTOUCHED = new PreparedDatasetStore() {
        @Override
        public dev.wafer.ports.data.prepare.ShuffleSpill openShuffleSpill(int buckets, int vocabSize) {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.TokenShardOutput createShard(String split, int index, int seq, int vocab) {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.PackedDocumentList openDocumentList() {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.AuditIndexOutput openAuditIndex() {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.SortedPairSpill openPairSpill(String name) {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.DedupRecords openDedupRecords(int signatureLength) {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.DuplicateList openDuplicateList() {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.ExclusionList openExclusionList() {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public dev.wafer.ports.data.prepare.RankShare openRankShare(int rank) {
            throw new AssertionError("only rank 0 writes the dataset");
        }

        @Override
        public void assembleRankShares(int ranks, int sequenceLength, int vocabSize, int shingleWords, long docs) {
            throw new AssertionError("only rank 0 writes the dataset");
        }
    };

    /** An input that fails like a corrupt compressed file after some documents. */
    private record Broken(DocumentSource inner, int after) implements DocumentSource {
        @Override
        public String name() {
            return "broken.zst";
        }

        @Override
        public long sizeBytes() {
            return inner.sizeBytes();
        }

        @Override
        public void read(DocumentVisitor visitor) throws IOException {
            int[] seen = {0};
            try {
                inner.read(new DocumentVisitor() {
                    @Override
                    public void document(RawDocument document) {
                        if (seen[0]++ == after) {
                            throw new IllegalStateException("stop");
                        }
                        visitor.document(document);
                    }

                    @Override
                    public void malformed(MalformedRecord record) {
                        visitor.malformed(record);
                    }
                });
            } catch (IllegalStateException e) {
                throw new UnreadableInputException("broken.zst: corrupt frame after " + after + " documents");
            }
        }
    }

    /** Each rank's stream as a list; rank {@code failingRank}'s writer fails. */
    private static final class MemoryExchange implements RankExchange {
        final Map<Integer, List<PassOneRecord>> written = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Integer, String> failures = new java.util.concurrent.ConcurrentHashMap<>();
        volatile int failingRank = -1;
        /** Set when no rank can record its failure (the shared directory read-only for it). */
        volatile boolean unrecordable;
        final Map<Integer, DatasetPreparationTest.MemorySpill> spills = new java.util.concurrent.ConcurrentHashMap<>();

        final Map<Integer, List<long[]>> auditPairs = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public dev.wafer.ports.data.prepare.AuditRuns auditRuns(int rank) {
            List<long[]> pairs = new ArrayList<>();
            auditPairs.put(rank, pairs);
            return new dev.wafer.ports.data.prepare.AuditRuns() {
                @Override
                public void add(int documentId, long[] shingles) {
                    for (long s : shingles) {
                        pairs.add(new long[] {s, documentId});
                    }
                }

                @Override
                public void finishWriting() {
                    pairs.sort(java.util.Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
                }
            };
        }

        final Map<Integer, Map<String, long[]>> kept = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void writeKeptBySource(int rank, Map<String, long[]> keptBySource) {
            kept.put(rank, keptBySource);
        }

        @Override
        public Map<String, long[]> keptBySource(int rank) {
            return kept.get(rank);
        }

        @Override
        public List<dev.wafer.ports.data.prepare.SortedPairCursor> auditPairs(int rank) {
            return auditPairs(rank, Long.MIN_VALUE, Long.MAX_VALUE);
        }

        @Override
        public List<dev.wafer.ports.data.prepare.SortedPairCursor> auditPairs(int rank, long fromKey, long toKey) {
            List<long[]> pairs = auditPairs.getOrDefault(rank, List.of()).stream()
                    .filter(p -> p[0] >= fromKey && p[0] <= toKey).toList();
            return List.of(new dev.wafer.ports.data.prepare.SortedPairCursor() {
                private int next = -1;

                @Override
                public long pairs() {
                    return pairs.size();
                }

                @Override
                public boolean next() {
                    return ++next < pairs.size();
                }

                @Override
                public long key() {
                    return pairs.get(next)[0];
                }

                @Override
                public int id() {
                    return (int) pairs.get(next)[1];
                }

                @Override
                public void close() {
                }
            });
        }

        @Override
        public dev.wafer.ports.data.prepare.ShuffleSpill shuffleSpill(int rank, int buckets, int vocabSize) {
            return spills.computeIfAbsent(rank, r -> new DatasetPreparationTest.MemorySpill(buckets));
        }

        @Override
        public Writer writer(int rank) throws IOException {
            if (rank == failingRank) {
                throw new IOException("disk full");
            }
            List<PassOneRecord> records = new ArrayList<>();
            written.put(rank, records);
            return new Writer() {
                @Override
                public void write(PassOneRecord record) {
                    records.add(record);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Reader reader(int rank) {
            Iterator<PassOneRecord> it = written.get(rank).iterator();
            return new Reader() {
                @Override
                public Optional<PassOneRecord> next() {
                    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void recordFailure(int rank, String message) {
            if (!unrecordable) {
                failures.put(rank, message);
            }
        }

        @Override
        public Optional<String> failure(int rank) {
            return Optional.ofNullable(failures.get(rank));
        }

        @Override
        public void close() {
            written.clear();
        }
    }

    /** Ranks as threads: collectives meet at a barrier; sums add the ranks' values in rank order. */
    static final class ThreadRanks implements Collective {
        private static int size;
        private static CyclicBarrier barrier;
        private static double[][] slots;
        private final int rank;

        private ThreadRanks(int rank) {
            this.rank = rank;
        }

        static void start(int ranks) {
            size = ranks;
            barrier = new CyclicBarrier(ranks);
            slots = new double[ranks][];
        }

        static Collective rank(int rank) {
            return new ThreadRanks(rank);
        }

        @Override
        public int rank() {
            return rank;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public void allReduceSum(float[] values, int offset, int count) {
            throw new UnsupportedOperationException("preparation exchanges no floats");
        }

        @Override
        public void reduceScatterSum(float[] values, int offset, int count) {
            throw new UnsupportedOperationException("preparation exchanges no floats");
        }

        @Override
        public void allGather(float[] values, int offset, int count) {
            throw new UnsupportedOperationException("preparation exchanges no floats");
        }

        @Override
        public void allReduceSum(double[] values, int offset, int count) {
            slots[rank] = java.util.Arrays.copyOfRange(values, offset, offset + count);
            await();
            for (int i = 0; i < count; i++) {
                double sum = 0;
                for (int r = 0; r < size; r++) {
                    sum += slots[r][i];
                }
                values[offset + i] = sum;
            }
            await();
        }

        @Override
        public void broadcast(double[] values, int offset, int count, int root) {
            if (rank == root) {
                slots[root] = java.util.Arrays.copyOfRange(values, offset, offset + count);
            }
            await();
            System.arraycopy(slots[root], 0, values, offset, count);
            await();
        }

        @Override
        public void barrier() {
            await();
        }

        @Override
        public String description() {
            return size + " threads";
        }

        private static void await() {
            try {
                barrier.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException | BrokenBarrierException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("a rank did not arrive", e);
            }
        }
    }
}
