package dev.wafer.domain.data.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.wafer.domain.data.ExclusionRule;
import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.ShingleTable;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.TextNormaliser;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.ports.data.DocumentSource;
import dev.wafer.ports.data.DocumentVisitor;
import dev.wafer.ports.data.MalformedInputException;
import dev.wafer.ports.data.MalformedRecord;
import dev.wafer.ports.data.RawDocument;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.DedupRecords;
import dev.wafer.ports.data.prepare.DuplicateList;
import dev.wafer.ports.data.prepare.SortedPairSpill;
import dev.wafer.ports.data.prepare.PackedDocument;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.PreparedDatasetStore;
import dev.wafer.ports.data.prepare.ProgressReporter;
import dev.wafer.ports.data.prepare.ShuffleSpill;
import dev.wafer.ports.data.prepare.SpilledDocument;
import dev.wafer.ports.data.prepare.TokenShardOutput;
import dev.wafer.ports.text.Tokenizer;

/** The preparation use case with in-memory ports only: what a library user gets without the application. */
class DatasetPreparationTest {
    static final int SEQ = 16;
    static final long PER_SHARD = 5;
    private static final String[] WORDS = {"ash", "birch", "cedar", "elm", "fir", "hazel", "larch", "oak", "pine",
        "rowan", "willow", "yew"};

    @Test
    void everyKeptDocumentSitsAtItsListedPositionFollowedByEndOfText() throws IOException {
        Corpus corpus = corpus(400);
        MemoryStore store = new MemoryStore();
        PreparationReport report = prepare(store, corpus, 3, false);

        assertEquals(4, report.exclusions().count(), "the Secret source is excluded");
        assertEquals(Map.of(ExclusionRule.SOURCE, 4L), report.exclusions().byRule());
        assertEquals(4, store.exclusions.size(), "each excluded document is listed in the store");
        store.exclusions.forEach(e -> assertTrue(e.contains(" Secret ") && e.endsWith(" source"), e));
        assertEquals(400 - 4, store.documents.size());
        assertEquals(400 - 4, report.summary().documents());
        assertTrue(report.shuffleBuckets() > 1, "small buckets force an external shuffle, got " + report.shuffleBuckets());
        Map<String, String> textByLocation = corpus.textByLocation();
        int checked = 0;
        for (PackedDocument d : store.documents) {
            int[] expected = BYTES.encode(new TextNormaliser().normalise(textByLocation.get(d.location())));
            assertEquals(expected.length, d.tokens());
            int[] got = store.tokensAt(d.split(), d.shard(), d.offset(), expected.length + 1);
            if (got == null) {
                continue; // in the dropped tail of its split
            }
            assertArrayEquals(expected, Arrays.copyOf(got, expected.length), d.location());
            assertEquals(BYTES.endOfTextId(), got[expected.length], d.location());
            checked++;
        }
        assertTrue(checked >= store.documents.size() - 3, "only the last document of a split may be in its tail");
        for (Split s : Split.values()) {
            PreparationReport.SplitStats st = report.splits().get(s);
            List<List<int[]>> shards = store.shards.getOrDefault(s.fileName(), List.of());
            assertEquals(st.shardCounts(), shards.stream().map(l -> (long) l.size()).toList(), s.fileName());
            assertTrue(st.shardCounts().stream().allMatch(c -> c >= 1 && c <= PER_SHARD), st.toString());
            assertEquals(st.tokens() + st.documents(), st.sequences() * SEQ + st.droppedTail(), "packing keeps every token");
        }
        assertTrue(store.spill.closed && store.spill.buckets.values().stream().allMatch(List::isEmpty),
                "pass 2 reads every bucket and the scratch space is released");
    }

    @Test
    void outputDoesNotDependOnTheNumberOfThreads() throws IOException {
        Corpus corpus = corpus(700);
        MemoryStore one = new MemoryStore();
        MemoryStore four = new MemoryStore();
        prepare(one, corpus, 1, false);
        prepare(four, corpus, 4, false);
        assertEquals(one.documents, four.documents);
        assertEquals(one.shardDump(), four.shardDump());
        assertArrayEquals(one.auditKeys, four.auditKeys);
        assertArrayEquals(one.auditIds, four.auditIds);
    }

    @Test
    void auditIndexFindsTrainingDocumentsByTheirListedAuditId() throws IOException {
        Corpus corpus = corpus(200);
        MemoryStore store = new MemoryStore();
        PreparationReport report = prepare(store, corpus, 2, false);
        MembershipAudit audit = new MembershipAudit(ShingleTable.ofSorted(store.auditKeys, store.auditIds));
        Map<String, String> textByLocation = corpus.textByLocation();
        long train = 0;
        for (PackedDocument d : store.documents) {
            if (!d.split().equals("train")) {
                assertEquals(-1, d.auditId());
                continue;
            }
            train++;
            MembershipAudit.Result r = audit.audit(new TextNormaliser().normalise(textByLocation.get(d.location())));
            assertTrue(r.member(), d.location());
            assertEquals(d.auditId(), r.documents().get(0).documentId(), d.location());
        }
        assertEquals(train, store.auditDocuments);
        assertEquals(train, report.splits().get(Split.TRAIN).documents());
    }

    @Test
    void malformedRecordsAreCountedOrFatal() throws IOException {
        Corpus corpus = corpus(50);
        corpus.malformed.put(7, new MalformedRecord("memory:8", "field 'text' is not a string"));
        PreparationReport report = prepare(new MemoryStore(), corpus, 2, false);
        assertEquals(1, report.malformedCount());
        assertEquals(List.of(new MalformedRecord("memory:8", "field 'text' is not a string")), report.malformed());
        MalformedInputException e = assertThrows(MalformedInputException.class,
                () -> prepare(new MemoryStore(), corpus, 2, true));
        assertEquals("memory:8: field 'text' is not a string", e.getMessage());
    }

    private static PreparationReport prepare(MemoryStore store, Corpus corpus, int threads, boolean failOnMalformed)
            throws IOException {
        PreparationSettings settings = new PreparationSettings(BYTES, SEQ, 11, new SplitAssigner(0.7, 0.15, 0.15),
                new ProvenanceRules(Set.of("Secret"), Set.of(), new WorkMatcher(List.of())), "unknown", "unknown",
                failOnMalformed, threads, PER_SHARD, 2_000);
        List<String> tasks = new ArrayList<>();
        ProgressReporter progress = (name, total, unit) -> {
            tasks.add(name);
            return new ProgressReporter.Task() {
                @Override
                public void stepTo(long done) {
                }

                @Override
                public void close() {
                }
            };
        };
        PreparationReport report = new DatasetPreparation(settings, store, progress).prepare(List.of(corpus));
        assertEquals(List.of("reading", "shuffling and packing"), tasks);
        return report;
    }

    /** Documents of 50 to 80 random words (long enough to audit); one in a hundred from the excluded source "Secret". */
    static Corpus corpus(int documents) {
        SplittableRandom r = new SplittableRandom(documents);
        List<RawDocument> docs = new ArrayList<>();
        for (int i = 0; i < documents; i++) {
            StringBuilder b = new StringBuilder();
            for (int w = 50 + r.nextInt(31); w > 0; w--) {
                b.append(WORDS[r.nextInt(WORDS.length)]).append(w % 7 == 0 ? "\n" : " ");
            }
            docs.add(new RawDocument(b.toString(), i % 100 == 5 ? "Secret" : "Forest", null, "memory:" + (i + 1)));
        }
        return new Corpus(docs, new TreeMap<>());
    }

    /** An in-memory corpus; its stored size drives the bucket count like a file's would. */
    record Corpus(List<RawDocument> docs, Map<Integer, MalformedRecord> malformed) implements DocumentSource {
        @Override
        public String name() {
            return "memory";
        }

        @Override
        public long sizeBytes() {
            return docs.stream().mapToLong(d -> d.text().getBytes(StandardCharsets.UTF_8).length).sum();
        }

        @Override
        public void read(DocumentVisitor visitor) {
            for (int i = 0; i < docs.size(); i++) {
                if (malformed.containsKey(i)) {
                    visitor.malformed(malformed.get(i));
                }
                visitor.document(docs.get(i));
            }
        }

        Map<String, String> textByLocation() {
            Map<String, String> m = new HashMap<>();
            docs.forEach(d -> m.put(d.location(), d.text()));
            return m;
        }
    }

    /** UTF-8 bytes as ids 0-255, end-of-text 256. */
    static final Tokenizer BYTES = new Tokenizer() {
        @Override
        public String name() {
            return "test-bytes";
        }

        @Override
        public int vocabSize() {
            return 257;
        }

        @Override
        public int endOfTextId() {
            return 256;
        }

        @Override
        public int[] encode(String text) {
            byte[] b = text.getBytes(StandardCharsets.UTF_8);
            int[] ids = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                ids[i] = b[i] & 0xFF;
            }
            return ids;
        }

        @Override
        public String decode(int[] ids) {
            byte[] b = new byte[ids.length];
            for (int i = 0; i < ids.length; i++) {
                b[i] = (byte) ids[i];
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    };

    /** Shards, document list, audit index and shuffle buckets kept in memory. */
    static final class MemoryStore implements PreparedDatasetStore {
        final Map<String, List<List<int[]>>> shards = new TreeMap<>();
        final List<PackedDocument> documents = new ArrayList<>();
        final List<String> duplicates = new ArrayList<>();
        /** Each excluded document as "hash source licence location rule", in the order listed. */
        final List<String> exclusions = new ArrayList<>();
        MemorySpill spill;
        long[] auditKeys;
        int[] auditIds;
        long auditDocuments = -1;
        /** The ranks' pieces of a multi-rank pass 2. */
        final MemoryRankShares shares = new MemoryRankShares();

        /** A rank whose share cannot be opened (a full disk), or -1. */
        volatile int failingShare = -1;

        @Override
        public dev.wafer.ports.data.prepare.RankShare openRankShare(int rank) throws IOException {
            if (rank == failingShare) {
                throw new IOException("disk full");
            }
            return shares.open(rank);
        }

        @Override
        public void assembleRankShares(int ranks, int sequenceLength, int vocabSize, int shingleWords,
                                       long documents) {
            assertEquals(MembershipAudit.SHINGLE_WORDS, shingleWords);
            shares.assemble(this, ranks, sequenceLength, documents);
        }

        @Override
        public ShuffleSpill openShuffleSpill(int buckets, int vocabSize) {
            spill = new MemorySpill(buckets);
            return spill;
        }

        @Override
        public TokenShardOutput createShard(String split, int index, int sequenceLength, int vocabSize) {
            List<List<int[]>> series = shards.computeIfAbsent(split, s -> new ArrayList<>());
            assertEquals(series.size(), index, "shards are created in order without gaps");
            List<int[]> shard = new ArrayList<>();
            series.add(shard);
            return new TokenShardOutput() {
                @Override
                public void write(int[] sequence) {
                    assertEquals(sequenceLength, sequence.length);
                    shard.add(sequence.clone());
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public PackedDocumentList openDocumentList() {
            return new PackedDocumentList() {
                @Override
                public void add(PackedDocument document) {
                    documents.add(document);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public AuditIndexOutput openAuditIndex() {
            ShingleTable.Builder builder = new ShingleTable.Builder();
            return new AuditIndexOutput() {
                private boolean finished;
                private final List<long[]> fromRanks = new ArrayList<>();

                @Override
                public void add(int documentId, long[] shingles) {
                    for (long s : shingles) {
                        builder.add(s, documentId);
                    }
                }

                @Override
                public void addSorted(dev.wafer.ports.data.prepare.SortedPairCursor pairs) throws IOException {
                    try (pairs) {
                        while (pairs.next()) {
                            fromRanks.add(new long[] {pairs.id(), pairs.key()});
                        }
                    }
                }

                @Override
                public void finish(int shingleWords, long documents) {
                    finish(shingleWords, documents, new int[0]);
                }

                @Override
                public void finish(int shingleWords, long documents, int[] removed) {
                    assertEquals(MembershipAudit.SHINGLE_WORDS, shingleWords);
                    // The ranks' runs interleave their ids: the builder takes them in id order.
                    fromRanks.sort(java.util.Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1]));
                    fromRanks.forEach(x -> builder.add(x[1], (int) x[0]));
                    ShingleTable all = builder.build();
                    List<long[]> pairs = new ArrayList<>();
                    for (int i = 0; i < all.keys().length; i++) {
                        int below = Arrays.binarySearch(removed, all.ids()[i]);
                        if (below < 0) {
                            pairs.add(new long[] {all.ids()[i] - (-below - 1), all.keys()[i]});
                        }
                    }
                    pairs.sort(java.util.Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1]));
                    ShingleTable.Builder kept = new ShingleTable.Builder();
                    pairs.forEach(x -> kept.add(x[1], (int) x[0]));
                    ShingleTable table = kept.build();
                    auditKeys = table.keys();
                    auditIds = table.ids();
                    auditDocuments = documents;
                    finished = true;
                }

                @Override
                public void close() {
                    if (!finished) {
                        auditKeys = null;
                    }
                }
            };
        }

        @Override
        public SortedPairSpill openPairSpill(String name) {
            return new SortedPairSpill() {
                private final List<long[]> pairs = new ArrayList<>();

                @Override
                public void add(long key, int id) {
                    pairs.add(new long[] {key, id});
                }

                @Override
                public void drain(PairSink sink) throws IOException {
                    pairs.sort(java.util.Comparator.comparingLong(p -> p[0])); // stable: ids keep their order
                    for (long[] p : pairs) {
                        sink.pair(p[0], (int) p[1]);
                    }
                    sink.end();
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public DedupRecords openDedupRecords(int signatureLength) {
            Map<Integer, DedupRecords.Entry> records = new HashMap<>();
            return new DedupRecords() {
                @Override
                public void put(int id, Entry entry) {
                    assertEquals(signatureLength, entry.signature().length);
                    records.put(id, new Entry(entry.hash(), entry.source(), entry.location(), entry.auditId(),
                            entry.signature().clone(), entry.split(), entry.tokens()));
                }

                @Override
                public Entry get(int id) {
                    return records.get(id);
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public dev.wafer.ports.data.prepare.ExclusionList openExclusionList() {
            return new dev.wafer.ports.data.prepare.ExclusionList() {
                @Override
                public void add(String hash, String source, String licence, String location, String rule,
                                String detail) {
                    exclusions.add(String.join(" ", hash, source, licence, location, rule));
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public DuplicateList openDuplicateList() {
            return new DuplicateList() {
                @Override
                public void add(String location, String duplicateOf, double similarity) {
                    duplicates.add(location + " " + duplicateOf + " " + similarity);
                }

                @Override
                public void close() {
                }
            };
        }

        /** {@code n} tokens from (shard, offset) on, crossing shard ends; null when they run past the last shard. */
        int[] tokensAt(String split, int shard, long offset, int n) {
            List<int[]> stream = new ArrayList<>();
            shards.getOrDefault(split, List.of()).forEach(stream::addAll);
            long start = shard * PER_SHARD * SEQ + offset;
            if (start + n > (long) stream.size() * SEQ) {
                return null;
            }
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                long p = start + i;
                out[i] = stream.get((int) (p / SEQ))[(int) (p % SEQ)];
            }
            return out;
        }

        String shardDump() {
            StringBuilder b = new StringBuilder();
            shards.forEach((split, series) -> series.forEach(s -> s.forEach(seq -> b.append(split)
                    .append(Arrays.toString(seq)).append('\n'))));
            return b.toString();
        }
    }

    static final class MemorySpill implements ShuffleSpill {
        final Map<Integer, List<SpilledDocument>> buckets = new java.util.concurrent.ConcurrentHashMap<>();
        final int count;
        boolean writing = true;
        boolean closed;
        final Set<Integer> read = java.util.concurrent.ConcurrentHashMap.newKeySet();

        MemorySpill(int count) {
            this.count = count;
        }

        @Override
        public void append(int bucket, SpilledDocument document) {
            assertTrue(writing && bucket >= 0 && bucket < count, "append to bucket " + bucket);
            buckets.computeIfAbsent(bucket, b -> new ArrayList<>()).add(document);
        }

        @Override
        public void finishWriting() {
            writing = false;
        }

        @Override
        public List<SpilledDocument> readAndDelete(int bucket) {
            assertTrue(!writing, "pass 2 starts after pass 1 finished writing");
            // Ranks that pack overlapping bucket ranges would read a bucket twice.
            assertTrue(read.add(bucket), "bucket " + bucket + " is read once");
            List<SpilledDocument> docs = buckets.getOrDefault(bucket, List.of());
            buckets.put(bucket, List.of());
            return new ArrayList<>(docs);
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
