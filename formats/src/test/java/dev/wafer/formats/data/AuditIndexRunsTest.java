package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.data.ShingleTable;

/**
 * The externally sorted audit index is byte for byte the index sorted in memory ({@link ShingleTable}), whether
 * everything fits in one buffer, spills a few runs, or spills more than {@link AuditIndexRuns#MAX_FAN_IN} runs
 * so they merge in rounds; repeated shingles across documents keep their ids ascending. Seeded random documents.
 */
class AuditIndexRunsTest {
    @TempDir
    Path dir;

    @Test
    void runsMergeToTheInMemoryIndex() throws IOException {
        long seed = 42L;
        List<long[]> docs = randomDocuments(new Random(seed), 400);
        byte[] expected = inMemoryIndex(docs);
        for (int capacity : new int[] {1 << 20, 5000, 97, 3}) {
            Path file = dir.resolve("index-" + capacity + ".bin");
            long[] check = new long[2];
            try (AuditIndexRuns runs = new AuditIndexRuns(OutputChannels.FILES, file, dir.resolve("tmp-" + capacity),
                    capacity, c -> {
                        check[0] = c.bytes();
                        check[1] = c.crc();
                    })) {
                for (int id = 0; id < docs.size(); id++) {
                    runs.add(id, docs.get(id));
                }
                runs.finish(5, docs.size());
            }
            byte[] actual = Files.readAllBytes(file);
            assertArrayEquals(expected, actual, "seed " + seed + ", capacity " + capacity);
            CRC32C crc = new CRC32C();
            crc.update(actual);
            assertEquals(actual.length, check[0]);
            assertEquals(crc.getValue(), check[1]);
            assertFalse(Files.exists(dir.resolve("tmp-" + capacity)), "scratch runs are deleted");
        }
    }

    @Test
    void removedDocumentsAreLeftOutAndTheOthersRenumbered() throws IOException {
        long seed = 43L;
        Random random = new Random(seed);
        List<long[]> docs = randomDocuments(random, 300);
        List<long[]> kept = new ArrayList<>();
        List<Integer> removed = new ArrayList<>();
        for (int id = 0; id < docs.size(); id++) {
            if (random.nextInt(4) == 0) {
                removed.add(id);
            } else {
                kept.add(docs.get(id));
            }
        }
        int[] removedIds = removed.stream().mapToInt(Integer::intValue).toArray();
        byte[] expected = inMemoryIndex(kept);
        for (int capacity : new int[] {1 << 20, 61, 3}) {
            Path file = dir.resolve("without-" + capacity + ".bin");
            try (AuditIndexRuns runs = new AuditIndexRuns(OutputChannels.FILES, file, dir.resolve("tmpw-" + capacity),
                    capacity, c -> { })) {
                for (int id = 0; id < docs.size(); id++) {
                    runs.add(id, docs.get(id));
                }
                runs.finish(5, kept.size(), removedIds);
            }
            assertArrayEquals(expected, Files.readAllBytes(file), "seed " + seed + ", capacity " + capacity
                    + ": the index of the kept documents alone");
            assertFalse(Files.exists(dir.resolve("tmpw-" + capacity)), "scratch files are deleted");
        }
    }

    /**
     * A multi-rank preparation: documents come in inputs of random lengths, each input read by one of three ranks,
     * which numbers its training documents 0, 1, 2, ... in its own order and sorts them into its own runs (one or
     * several); rank 0 adds every rank's runs with the ids offset. The index must be the single process's, byte for byte, also with documents removed.
     */
    @Test
    void ranksRunsMergedWithIdOffsetsGiveTheSingleProcessIndex() throws IOException {
        long seed = 44L;
        Random random = new Random(seed);
        List<long[]> docs = randomDocuments(random, 500);
        int ranks = 3;
        int[] rankOf = new int[docs.size()];
        int[] localId = new int[docs.size()];
        List<List<Integer>> globalIds = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            globalIds.add(new ArrayList<>());
        }
        for (int id = 0, input = 0; id < docs.size(); input++) {
            int rank = random.nextInt(ranks);
            for (int n = random.nextInt(40); n >= 0 && id < docs.size(); n--, id++) {
                rankOf[id] = rank;
                localId[id] = globalIds.get(rank).size();
                globalIds.get(rank).add(id);
            }
        }
        List<Integer> removed = new ArrayList<>();
        List<long[]> kept = new ArrayList<>();
        for (int id = 0; id < docs.size(); id++) {
            if (random.nextInt(5) == 0) {
                removed.add(id);
            } else {
                kept.add(docs.get(id));
            }
        }
        int[] removedIds = removed.stream().mapToInt(Integer::intValue).toArray();
        for (int capacity : new int[] {1 << 20, 50, 2}) {
            Path exchange = dir.resolve("exchange-" + capacity);
            List<RankAuditRunFiles> writers = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                writers.add(new RankAuditRunFiles(exchange.resolve("rank-" + r + ".audit"), capacity));
            }
            for (int id = 0; id < docs.size(); id++) {
                writers.get(rankOf[id]).add(localId[id], docs.get(id));
            }
            for (RankAuditRunFiles w : writers) {
                w.finishWriting();
            }
            RankExchangeFiles files = new RankExchangeFiles(exchange);
            for (boolean withRemovals : new boolean[] {false, true}) {
                Path file = dir.resolve("ranks-" + capacity + "-" + withRemovals + ".bin");
                try (AuditIndexRuns runs = new AuditIndexRuns(OutputChannels.FILES, file,
                        dir.resolve("tmpr-" + capacity), capacity, c -> { })) {
                    int runFiles = 0;
                    for (int r = 0; r < ranks; r++) {
                        List<Integer> toGlobal = globalIds.get(r);
                        for (var run : files.auditPairs(r)) {
                            runFiles++;
                            runs.addSorted(new dev.wafer.ports.data.prepare.SortedPairCursor() {
                                @Override
                                public long pairs() {
                                    return run.pairs();
                                }

                                @Override
                                public boolean next() throws IOException {
                                    return run.next();
                                }

                                @Override
                                public long key() {
                                    return run.key();
                                }

                                @Override
                                public int id() {
                                    return toGlobal.get(run.id());
                                }

                                @Override
                                public void close() throws IOException {
                                    run.close();
                                }
                            });
                        }
                    }
                    if (capacity == 2) {
                        // The buffer spills at 4096 pairs at the least: a few runs per rank.
                        assertTrue(runFiles > ranks, "several runs per rank: " + runFiles);
                    }
                    if (withRemovals) {
                        runs.finish(5, kept.size(), removedIds);
                    } else {
                        runs.finish(5, docs.size());
                    }
                }
                assertArrayEquals(inMemoryIndex(withRemovals ? kept : docs), Files.readAllBytes(file),
                        "seed " + seed + ", capacity " + capacity + ", removals " + withRemovals);
            }
            files.close();
            assertFalse(Files.exists(exchange), "closing the exchange discards the runs");
        }
    }

    @Test
    void closingUnfinishedDiscardsAndOutOfOrderInputIsRefused() throws IOException {
        Path file = dir.resolve("index.bin");
        try (AuditIndexRuns runs = new AuditIndexRuns(OutputChannels.FILES, file, dir.resolve("tmp"), 2, c -> { })) {
            runs.add(0, new long[] {1, 2, 3, 4, 5});
            assertThrows(IllegalArgumentException.class, () -> runs.add(0, new long[] {7}));
            assertThrows(IllegalArgumentException.class, () -> runs.add(1, new long[] {7, 7}));
        }
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("tmp")));
    }

    private static List<long[]> randomDocuments(Random random, int count) {
        long[] vocabulary = new long[3000];
        for (int i = 0; i < vocabulary.length; i++) {
            vocabulary[i] = random.nextLong();
        }
        List<long[]> docs = new ArrayList<>();
        for (int d = 0; d < count; d++) {
            int n = random.nextInt(60);
            long[] s = new long[n];
            for (int i = 0; i < n; i++) {
                // Shared shingles (a small vocabulary) so keys repeat across documents and runs.
                s[i] = vocabulary[random.nextInt(vocabulary.length)];
            }
            docs.add(java.util.Arrays.stream(s).sorted().distinct().toArray());
        }
        return docs;
    }

    private static byte[] inMemoryIndex(List<long[]> docs) {
        ShingleTable.Builder b = new ShingleTable.Builder();
        for (int id = 0; id < docs.size(); id++) {
            for (long s : docs.get(id)) {
                b.add(s, id);
            }
        }
        ShingleTable t = b.build();
        ByteBuffer out = ByteBuffer.allocate(64 + t.size() * 12).order(ByteOrder.LITTLE_ENDIAN);
        out.put(AuditIndexFile.header(5, t.size(), docs.size()));
        for (long k : t.keys()) {
            out.putLong(k);
        }
        for (int id : t.ids()) {
            out.putInt(id);
        }
        return out.array();
    }
}
