package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code mpirun -np 2 wafer data prepare} writes the dataset one process writes, byte for byte: shards, document
 * list, audit index, and the manifest except {@code prepare_seconds} (which differs between any two runs); and a
 * fatal malformed record stops it with the same message.
 */
class MpiPrepareTest {
    private static final long SEED = 91;
    private static final String[] WORDS = {"the", "court", "finds", "that", "model", "weights", "were", "trained", "on",
        "books", "without", "licence", "and", "data", "sets", "of", "code", "under", "permissive", "terms"};

    @TempDir
    Path tmp;

    /** Four Pile-format files of different sizes (one malformed line, some Books3 documents) and a text file. */
    private Path corpus() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        Path dir = Files.createDirectories(tmp.resolve("corpus"));
        ObjectMapper json = new ObjectMapper();
        String[] sources = {"Pile-CC", "Github", "Books3", "ArXiv"};
        int[] docs = {60, 25, 110, 40};
        for (int f = 0; f < docs.length; f++) {
            List<String> lines = new ArrayList<>();
            for (int d = 0; d < docs[f]; d++) {
                ObjectNode n = json.createObjectNode().put("text", words(r, 60 + r.nextInt(200)));
                n.putObject("meta").put("pile_set_name", sources[r.nextInt(sources.length)]);
                lines.add(json.writeValueAsString(n));
                if (f == 2 && d == 30) {
                    lines.add("{\"text\": 17}");
                }
            }
            Files.write(dir.resolve("part-" + f + ".jsonl"), lines, StandardCharsets.UTF_8);
        }
        Files.writeString(dir.resolve("zz-notes.txt"), words(r, 400));
        return dir;
    }

    private static String words(SplittableRandom r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(WORDS[r.nextInt(WORDS.length)]).append(i % 13 == 12 ? ".\n" : " ");
        }
        return b.toString();
    }

    private static List<String> prepare(Path corpus, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("data", "prepare", "--input", corpus.toString(), "--out",
                out.toString(), "--seq-len", "64", "--bucket-mb", "1", "--exclude-source", "Books3", "--quiet",
                "--seed", String.valueOf(SEED)));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void twoRanksPrepareTheSingleProcessDatasetByteForByte() throws Exception {
        MpiLauncher.mpirun();
        Path corpus = corpus();
        Path one = tmp.resolve("one");
        Path two = tmp.resolve("two");
        CliRun single = CliRun.of(prepare(corpus, one, "--threads", "2").toArray(String[]::new));
        assertEquals(0, single.exitCode(), single.err());
        CliRun ranks = MpiLauncher.run(tmp, 2, prepare(corpus, two, "--threads", "1"));
        assertEquals(0, ranks.exitCode(), ranks.err());
        assertTrue(ranks.out().contains("prepared by 2 ranks (Open MPI"), ranks.out());
        assertEquals(1, ranks.out().split("prepared ", -1).length - 2, "rank 0 alone prints: " + ranks.out());

        List<String> files = names(one);
        assertEquals(files, names(two), "the same files, and no scratch left behind");
        assertTrue(files.contains("audit-index.bin") && files.contains("train-00000.bin"), files.toString());
        for (String f : files) {
            if (f.startsWith("manifest.json")) {
                continue;
            }
            assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(two.resolve(f)), f);
        }
        String m1 = Files.readString(one.resolve("manifest.json"));
        String m2 = Files.readString(two.resolve("manifest.json"));
        assertNotEquals(m1, m2, "prepare_seconds differs");
        assertEquals(withoutSeconds(m1), withoutSeconds(m2));
        assertTrue(m1.contains("\"malformed\" : 1") && m1.contains("Books3"), "the corpus exercises exclusions"
                + " and malformed records: " + m1);
    }

    /**
     * Deduplication across ranks: copies of documents of one rank's files planted in the other rank's files (exact,
     * and with one word changed), so only a decision over all ranks' documents finds them; exact and near
     * deduplication on two ranks write the single process's dataset byte for byte, duplicates.jsonl included.
     */
    @Test
    void twoRanksDeduplicateAcrossRanksAsOneProcessDoes() throws Exception {
        MpiLauncher.mpirun();
        Path corpus = corpus();
        Path first = corpus.resolve("part-0.jsonl");
        Path last = corpus.resolve("part-3.jsonl");
        List<String> copies = new ArrayList<>(Files.readAllLines(last, StandardCharsets.UTF_8));
        List<String> originals = Files.readAllLines(first, StandardCharsets.UTF_8);
        ObjectMapper json = new ObjectMapper();
        int[] planted = new int[2]; // exact and edited copies of kept (not Books3) documents
        for (int i = 0; i < 20; i++) {
            String line = originals.get(i * 3);
            if (!json.readTree(line).path("meta").path("pile_set_name").asText().equals("Books3")) {
                planted[i % 2]++;
            }
            if (i % 2 == 1) {
                ObjectNode n = (ObjectNode) json.readTree(line);
                n.put("text", n.path("text").asText().replaceFirst(" ", " changed "));
                line = json.writeValueAsString(n);
            }
            copies.add(line);
        }
        Files.write(last, copies, StandardCharsets.UTF_8);
        for (String mode : new String[] {"exact", "near"}) {
            Path one = tmp.resolve("one-" + mode);
            Path two = tmp.resolve("two-" + mode);
            CliRun single = CliRun.of(prepare(corpus, one, "--threads", "2", "--dedup", mode).toArray(String[]::new));
            assertEquals(0, single.exitCode(), single.err());
            CliRun ranks = MpiLauncher.run(tmp, 2, prepare(corpus, two, "--threads", "1", "--dedup", mode));
            assertEquals(0, ranks.exitCode(), ranks.err());
            List<String> files = names(one);
            assertEquals(files, names(two), "the same files, and no scratch left behind");
            assertTrue(files.contains("duplicates.jsonl"), files.toString());
            for (String f : files) {
                if (!f.startsWith("manifest.json")) {
                    assertArrayEquals(Files.readAllBytes(one.resolve(f)), Files.readAllBytes(two.resolve(f)),
                            mode + ": " + f);
                }
            }
            assertEquals(withoutSeconds(Files.readString(one.resolve("manifest.json"))),
                    withoutSeconds(Files.readString(two.resolve("manifest.json"))));
            List<String> removed = Files.readAllLines(two.resolve("duplicates.jsonl"));
            long crossRank = removed.stream().filter(l -> l.contains("part-3.jsonl") && l.contains("part-0.jsonl"))
                    .count();
            // The random corpus shares words, not word runs: only the planted copies are duplicates of each other.
            assertEquals(mode.equals("exact") ? planted[0] : planted[0] + planted[1], crossRank, mode + ": " + removed);
            assertTrue(planted[0] >= 5 && planted[1] >= 5, "copies of kept documents: " + planted[0] + ", "
                    + planted[1]);
        }
    }

    @Test
    void aFatalMalformedRecordStopsTwoRanksWithTheSingleProcessMessage() throws Exception {
        MpiLauncher.mpirun();
        Path corpus = corpus();
        CliRun single = CliRun.of(prepare(corpus, tmp.resolve("one"), "--on-error", "fail").toArray(String[]::new));
        assertEquals(WaferCommand.USAGE_ERROR, single.exitCode(), single.err());
        String line = single.err().strip();
        assertTrue(line.startsWith("wafer: malformed input (--on-error fail): "), line);
        CliRun ranks = MpiLauncher.run(tmp, 2, prepare(corpus, tmp.resolve("two"), "--on-error", "fail"));
        assertNotEquals(0, ranks.exitCode());
        assertTrue(ranks.err().contains(line), ranks.err());
        assertFalse(Files.exists(tmp.resolve("two")), "nothing is written");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().startsWith(".two")).toList(),
                    "the build directory is removed");
        }
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String withoutSeconds(String manifest) {
        String s = manifest.replaceAll("\"prepare_seconds\" : [0-9.eE+-]+", "\"prepare_seconds\" : X");
        assertNotEquals(manifest, s, "the manifest records prepare_seconds");
        return s;
    }
}
