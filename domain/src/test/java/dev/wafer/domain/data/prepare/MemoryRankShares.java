package dev.wafer.domain.data.prepare;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.wafer.domain.data.MembershipAudit;
import dev.wafer.ports.data.prepare.AuditIndexOutput;
import dev.wafer.ports.data.prepare.PackedDocument;
import dev.wafer.ports.data.prepare.PackedDocumentList;
import dev.wafer.ports.data.prepare.RankShare;
import dev.wafer.ports.data.prepare.SortedPairCursor;
import dev.wafer.ports.data.prepare.TokenStreamOutput;

/**
 * The ranks' shares of a multi-rank pass 2 in memory, for {@link DatasetPreparationTest.MemoryStore}: each rank's
 * stretches of the packed streams (by split and first position), its documents and its audit pairs; the assembly
 * joins them as the files do (stretches by position, documents and audit pieces in rank order) and checks that the
 * stretches cover each stream from 0 without gap or overlap, so a rank that packs the wrong range or starts at the
 * wrong position makes a dataset that differs from one process's.
 */
final class MemoryRankShares {
    /** Split to first position to the tokens written from there. */
    private final Map<String, TreeMap<Long, int[]>> stretches = new ConcurrentHashMap<>();
    private final Map<Integer, List<PackedDocument>> documents = new ConcurrentHashMap<>();
    private final Map<Integer, List<long[]>> audit = new ConcurrentHashMap<>();
    private final Map<Integer, long[]> auditRange = new ConcurrentHashMap<>();
    /** Ranks that opened a share. */
    final Map<Integer, Boolean> opened = new ConcurrentHashMap<>();
    private final Map<Integer, long[]> placed = new ConcurrentHashMap<>();
    private volatile long sequencesPerShard = -1;

    RankShare open(int rank) {
        opened.put(rank, true);
        return new RankShare() {
            @Override
            public TokenStreamOutput tokens(String split, long first, long limit, int sequenceLength,
                                            long perShard, int vocabSize) {
                sequencesPerShard = perShard;
                List<Integer> written = new ArrayList<>();
                return new TokenStreamOutput() {
                    private long position = first;

                    @Override
                    public void write(int[] tokens, int offset, int length) {
                        for (int i = 0; i < length; i++) {
                            write(tokens[offset + i]);
                        }
                    }

                    @Override
                    public void write(int token) {
                        assertTrue(token >= 0 && token < vocabSize, "token " + token);
                        if (position++ < limit) {
                            written.add(token);
                        }
                    }

                    @Override
                    public void close() {
                        if (!written.isEmpty()) {
                            int[] tokens = written.stream().mapToInt(Integer::intValue).toArray();
                            TreeMap<Long, int[]> bySplit = stretches.computeIfAbsent(split, s -> new TreeMap<>());
                            synchronized (bySplit) {
                                bySplit.put(first, tokens);
                            }
                        }
                    }
                };
            }

            @Override
            public PackedDocumentList documents() {
                List<PackedDocument> mine = new ArrayList<>();
                documents.put(rank, mine);
                return new PackedDocumentList() {
                    @Override
                    public void add(PackedDocument document) {
                        mine.add(document);
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public AuditIndexOutput auditIndex() {
                List<long[]> pairs = new ArrayList<>();
                return new AuditIndexOutput() {
                    @Override
                    public void add(int documentId, long[] shingles) {
                        throw new AssertionError("a rank's piece takes sorted runs only");
                    }

                    @Override
                    public void addSorted(SortedPairCursor run) throws IOException {
                        try (run) {
                            while (run.next()) {
                                pairs.add(new long[] {run.key(), run.id()});
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
                        List<long[]> kept = new ArrayList<>();
                        for (long[] p : pairs) {
                            int below = Arrays.binarySearch(removed, (int) p[1]);
                            if (below < 0) {
                                kept.add(new long[] {p[0], p[1] - (-below - 1)});
                            }
                        }
                        kept.sort(Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
                        audit.put(rank, kept);
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public long[] sizes() {
                return new long[] {documents.get(rank).size(), audit.get(rank).size()};
            }

            @Override
            public void place(long documentsBefore, long pairsBefore, long pairsTotal) {
                placed.put(rank, new long[] {documentsBefore, pairsBefore, pairsTotal});
            }

            @Override
            public void close() {
            }
        };
    }

    /** Joins the pieces into {@code store} as {@link DatasetPreparationTest.MemoryStore}'s single-process files. */
    void assemble(DatasetPreparationTest.MemoryStore store, int ranks, int sequenceLength, long auditDocuments) {
        store.documents.clear();
        store.shards.clear();
        List<long[]> pairs = new ArrayList<>();
        long pairsTotal = audit.values().stream().mapToLong(List::size).sum();
        for (int r = 0; r < ranks; r++) {
            // Where each rank was told to place its pieces: after the lower ranks' pieces.
            assertArrayEquals(new long[] {store.documents.size(), pairs.size(), pairsTotal}, placed.get(r),
                    "rank " + r + " places its pieces after the lower ranks'");
            store.documents.addAll(documents.getOrDefault(r, List.of()));
            pairs.addAll(audit.getOrDefault(r, List.of()));
        }
        for (Map.Entry<String, TreeMap<Long, int[]>> e : stretches.entrySet()) {
            List<Integer> stream = new ArrayList<>();
            for (Map.Entry<Long, int[]> s : e.getValue().entrySet()) {
                assertEquals(stream.size(), (long) s.getKey(), e.getKey() + ": a stretch starts where the last ends");
                Arrays.stream(s.getValue()).forEach(stream::add);
            }
            assertEquals(0, stream.size() % sequenceLength, e.getKey() + ": whole sequences");
            List<List<int[]>> shards = new ArrayList<>();
            for (int at = 0; at < stream.size(); at += sequenceLength) {
                if (shards.isEmpty() || shards.get(shards.size() - 1).size() == sequencesPerShard) {
                    shards.add(new ArrayList<>());
                }
                shards.get(shards.size() - 1).add(stream.subList(at, at + sequenceLength).stream()
                        .mapToInt(Integer::intValue).toArray());
            }
            store.shards.put(e.getKey(), shards);
        }
        store.auditKeys = pairs.stream().mapToLong(p -> p[0]).toArray();
        store.auditIds = pairs.stream().mapToInt(p -> (int) p[1]).toArray();
        store.auditDocuments = auditDocuments;
    }
}
