package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.domain.data.dedup.DedupMode;
import dev.wafer.domain.data.dedup.DedupSettings;
import dev.wafer.domain.data.prepare.PreparationReport;
import dev.wafer.formats.data.planted.PlantedCorpus;
import dev.wafer.conformance.collective.ThreadRanks;

/**
 * Multi-rank preparation into files (ranks as threads of this JVM sharing one build directory) writes the files one
 * process writes, byte for byte: the ranks' stretches of the shards (small shards, so stretches start and end
 * inside shards and cross several), the joined {@code documents.jsonl} and audit index pieces, and the manifest's
 * sizes and checksums, which rank 0 combines from the pieces' CRCs without reading the files; for 2 and 3 ranks and
 * each deduplication mode.
 */
class RankSharePreparationTest {
    private static final long SEED = 13;

    @TempDir
    static Path dir;
    private static PlantedCorpus.Summary corpus;

    @BeforeAll
    static void plant() throws IOException {
        corpus = new PlantedCorpus(600_000, SEED, 5, 6, 40).write(dir.resolve("corpus"));
    }

    private static PrepareSettings settings(Path out, DedupMode mode, long bucketBytes) {
        String split = "0.8,0.1,0.1";
        return new PrepareSettings(out, new ByteTokenizer(), 128, 3, split, SplitAssigner.parse(split),
                new ProvenanceRules(new HashSet<>(), new HashSet<>(), new WorkMatcher(List.of())), List.of(),
                List.of(), List.of(), Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE, false, 1, 37,
                bucketBytes, new DedupSettings(mode, DedupSettings.DEFAULT_THRESHOLD));
    }

    @Test
    void ranksWriteTheSingleProcessFilesByteForByte() throws Exception {
        for (DedupMode mode : DedupMode.values()) {
            compare(mode, 1 << 15, "");
        }
    }

    /** One bucket: rank 0 packs everything, the others write no stretch and no document, only their key ranges. */
    @Test
    void ranksWithoutBucketsStillMergeTheirKeyRanges() throws Exception {
        compare(DedupMode.NONE, 1L << 40, "one-bucket-");
    }

    private static void compare(DedupMode mode, long bucketBytes, String prefix) throws Exception {
        Path one = dir.resolve(prefix + "one-" + mode);
        DatasetPreparer single = new DatasetPreparer(settings(one, mode, bucketBytes), Progress.NONE);
        PreparationReport expected = single.prepare(Inputs.resolve(corpus.corpus(), single.byteCounter(), one));
        assertTrue(expected.splits().values().stream().mapToInt(s -> s.shardCounts().size()).sum() > 10,
                "many shards: " + expected.splits());
        for (int ranks : new int[] {2, 3}) {
            Path many = dir.resolve(prefix + ranks + "-" + mode);
            List<Object> results = runRanks(ranks, many, mode, bucketBytes);
            PreparationReport report = ((Optional<?>) results.get(0)).map(PreparationReport.class::cast)
                    .orElseThrow();
            String what = mode + ", " + ranks + " ranks";
            assertEquals(expected.splits(), report.splits(), what);
            assertEquals(expected.summary(), report.summary(), what);
            List<String> files = names(one);
            assertEquals(files, names(many), what + ": the same files, no scratch left");
            for (String f : files) {
                if (!f.startsWith("manifest.json")) {
                    assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(many.resolve(f)),
                            what + ": " + f);
                }
            }
            String m1 = Files.readString(one.resolve("manifest.json"));
            String m2 = Files.readString(many.resolve("manifest.json"));
            assertEquals(withoutSeconds(m1), withoutSeconds(m2), what + ": sizes and checksums");
        }
    }

    private static String withoutSeconds(String manifest) {
        String s = manifest.replaceAll("\"prepare_seconds\" : [0-9.eE+-]+", "\"prepare_seconds\" : X");
        assertNotEquals(manifest, s);
        return s;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** One preparer per rank, each on its own thread (the conformance module's {@link ThreadRanks}). */
    private static List<Object> runRanks(int ranks, Path out, DedupMode mode, long bucketBytes) throws Exception {
        long lead = ProcessHandle.current().pid();
        List<Object> results = new ThreadRanks(ranks).run(rank -> {
            try {
                DatasetPreparer p = new DatasetPreparer(settings(out, mode, bucketBytes), Progress.NONE, lead);
                return (Object) p.prepare(Inputs.resolve(corpus.corpus(), p.byteCounter(), out), rank);
            } catch (Exception e) {
                return e;
            }
        });
        for (Object o : results) {
            if (o instanceof Exception e) {
                throw new AssertionError(mode + ", " + ranks + " ranks: " + e, e);
            }
        }
        return results;
    }
}
