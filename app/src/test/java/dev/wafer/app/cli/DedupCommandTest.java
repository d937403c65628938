package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code data prepare --dedup} from the command line: flag errors, and plant, prepare, stats, score end to end. */
class DedupCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private CliRun prepare(String... dedup) {
        String[] base = {"data", "prepare", "--out", tmp.resolve("ds").toString(), "--seq-len", "64", "--quiet"};
        String[] args = java.util.Arrays.copyOf(base, base.length + dedup.length);
        System.arraycopy(dedup, 0, args, base.length, dedup.length);
        return CliRun.of(args);
    }

    private void refused(String flag, String... args) {
        CliRun r = prepare(args);
        assertEquals(WaferCommand.USAGE_ERROR, r.exitCode(), r.err());
        String line = r.err().strip();
        assertEquals(1, line.lines().count(), "one line, no stack trace: " + line);
        assertTrue(line.contains(flag), line);
        assertFalse(Files.exists(tmp.resolve("ds")), "nothing written");
    }

    @Test
    void badDedupValuesAreRefusedNamingTheFlag() {
        refused("--dedup: expected none, exact or near, found 'fuzzy'", "--dedup", "fuzzy");
        refused("--dedup-threshold must be in (0, 1], got 0.0", "--dedup", "near", "--dedup-threshold", "0");
        refused("--dedup-threshold must be in (0, 1], got 1.5", "--dedup", "near", "--dedup-threshold", "1.5");
        refused("--dedup-threshold must be in (0, 1], got NaN", "--dedup", "near", "--dedup-threshold", "NaN");
        refused("--dedup-threshold applies to --dedup near only", "--dedup", "exact", "--dedup-threshold", "0.9");
    }

    @Test
    void plantPrepareStatsAndScoreEndToEnd() throws Exception {
        Path corpus = tmp.resolve("corpus");
        CliRun plant = CliRun.of("data", "plant-duplicates", "--out", corpus.toString(), "--mb", "0.6", "--seed", "3");
        assertEquals(0, plant.exitCode(), plant.err());
        Path ds = tmp.resolve("near");
        // The whole folder: its truth.jsonl was read as documents ("malformed records skipped"); it is refused.
        CliRun whole = CliRun.of("data", "prepare", "--input", corpus.toString(), "--out",
                tmp.resolve("whole").toString(), "--seq-len", "64", "--tokenizer", "bytes", "--quiet");
        assertEquals(2, whole.exitCode(), whole.err());
        assertEquals("wafer: --input " + corpus + ": " + corpus.resolve("truth.jsonl") + " is the truth file of 'data"
                + " plant-duplicates', not a corpus; pass the corpus only: --input " + corpus.resolve("corpus"),
                whole.err().strip());
        CliRun prep = CliRun.of("data", "prepare", "--input", corpus.resolve("corpus").toString(), "--out",
                ds.toString(), "--seq-len", "64", "--tokenizer", "bytes", "--dedup", "near", "--dedup-threshold",
                "0.8", "--quiet");
        assertEquals(0, prep.exitCode(), prep.err());
        assertTrue(!prep.out().contains("malformed"), prep.out());
        assertTrue(prep.out().contains("duplicates removed (--dedup near, threshold 0.80): "), prep.out());
        CliRun stats = CliRun.of("data", "stats", "--dataset", ds.toString(), "--json");
        assertEquals(0, stats.exitCode(), stats.err());
        JsonNode s = JSON.readTree(stats.out());
        long removed = s.path("summary").path("duplicates").asLong();
        assertTrue(removed > 0, stats.out());
        assertEquals(Files.readAllLines(ds.resolve("duplicates.jsonl")).size(), removed);
        long perSource = 0;
        for (JsonNode row : s.path("summary").path("sources")) {
            perSource += row.path("duplicates").asLong();
        }
        assertEquals(removed, perSource);
        CliRun text = CliRun.of("data", "stats", "--dataset", ds.toString());
        assertTrue(text.out().contains("duplicates"), text.out());
        CliRun score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth",
                corpus.resolve("truth.jsonl").toString(), "--json");
        assertEquals(0, score.exitCode(), score.err());
        JsonNode sc = JSON.readTree(score.out());
        assertTrue(sc.path("recall").asDouble() >= 0.95, score.out());
        assertTrue(sc.path("false_positive_rate").asDouble() <= 0.01, score.out());
    }

    /**
     * A second corpus is not written over a first (its parts and the first's would mix under one truth file), and a
     * truth file whose records lack what scoring reads is refused naming the line and field, not scored as recall 1.
     */
    @Test
    void plantingNeedsAFreshDirectoryAndScoringAWellFormedTruthFile() throws Exception {
        Path corpus = tmp.resolve("twice");
        assertEquals(0, CliRun.of("data", "plant-duplicates", "--out", corpus.toString(), "--mb", "0.3").exitCode());
        CliRun again = CliRun.of("data", "plant-duplicates", "--out", corpus.toString(), "--mb", "0.3", "--seed", "2");
        assertEquals(2, again.exitCode(), again.err());
        assertTrue(again.err().startsWith("wafer: --out " + corpus + " is not empty"), again.err());
        Path ds = tmp.resolve("twice-ds");
        assertEquals(0, CliRun.of("data", "prepare", "--input", corpus.resolve("corpus").toString(), "--out", ds.toString(),
                "--seq-len", "64", "--tokenizer", "bytes", "--dedup", "exact", "--quiet").exitCode());
        java.util.List<String> lines = Files.readAllLines(corpus.resolve("truth.jsonl"));
        Path truth = tmp.resolve("truth-no-kind.jsonl");
        Files.write(truth, lines.stream().map(l -> l.replaceAll(",\"kind\":\"[a-z]+\"", "")).toList());
        CliRun score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString());
        assertEquals(2, score.exitCode(), score.err());
        assertEquals("wafer: " + truth + ":1: field 'kind' must be one of original, unrelated, variant, exact; found"
                + " nothing (missing)\n", score.err());
        Files.write(truth, lines.stream().map(l -> l.replaceAll("\"jaccard\":[0-9.Ee-]+", "\"jaccard\":\"high\""))
                .toList());
        score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString());
        assertEquals(2, score.exitCode(), score.err());
        assertTrue(score.err().contains("field 'jaccard' of a planted copy must be a number in [0, 1]; found \"high\""),
                score.err());
        // A repeated line was counted twice (a false-positive denominator of 77 for 76 documents).
        java.util.List<String> repeated = new java.util.ArrayList<>(lines);
        repeated.add(2, lines.get(0));
        Files.write(truth, repeated);
        score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString());
        assertEquals(2, score.exitCode(), score.err());
        assertTrue(score.err().startsWith("wafer: " + truth + ":3: document ") && score.err().contains(
                " is listed again (first on line 1)"), score.err());
        // Invalid UTF-8 said "I/O error: MalformedInputException: Input length = 1" (exit 74) and named no file.
        byte[] bad = (String.join("\n", lines.subList(0, 2)) + "\n").getBytes(StandardCharsets.UTF_8);
        bad[lines.get(0).length() + 3] = (byte) 0xff;
        Files.write(truth, bad);
        score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString());
        assertEquals(2, score.exitCode(), score.err());
        assertTrue(score.err().startsWith("wafer: " + truth + ":2: not valid UTF-8"), score.err());
    }

    /**
     * Another corpus's truth file lists the same corpus-00.jsonl:N locations: it was scored silently (recall 0 of
     * 135, exit 0); now refused naming both, whether the corpora differ in size or only in seed.
     */
    @Test
    void aTruthFileOfAnotherCorpusIsRefused() throws Exception {
        Path a = tmp.resolve("a");
        assertEquals(0, CliRun.of("data", "plant-duplicates", "--out", a.toString(), "--mb", "0.3").exitCode());
        Path ds = tmp.resolve("a-ds");
        assertEquals(0, CliRun.of("data", "prepare", "--input", a.resolve("corpus").resolve("corpus-00.jsonl").toString(), "--out",
                ds.toString(), "--seq-len", "64", "--tokenizer", "bytes", "--dedup", "near", "--quiet").exitCode());
        for (String mb : new String[] {"0.6", "0.3"}) {
            Path b = tmp.resolve("b" + mb);
            assertEquals(0, CliRun.of("data", "plant-duplicates", "--out", b.toString(), "--mb", mb, "--seed", "7")
                    .exitCode());
            Path truth = b.resolve("truth.jsonl");
            CliRun score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth",
                    truth.toString());
            assertEquals(2, score.exitCode(), mb + ": " + score.err() + score.out());
            assertTrue(score.err().startsWith("wafer: --dataset " + ds + " was not prepared from the corpus --truth "
                    + truth + " describes: "), score.err());
            assertEquals(1, score.err().lines().count(), score.err());
        }
        CliRun own = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth",
                a.resolve("truth.jsonl").toString());
        assertEquals(0, own.exitCode(), own.err());
    }

    /**
     * Documents that --exclude-source removed never reached deduplication: they are neither positives (copies it
     * missed) nor negatives, and the output says how many were left out and why.
     */
    @Test
    void excludedDocumentsAreLeftOutOfPositivesAndNegatives() throws Exception {
        Path corpus = tmp.resolve("excl");
        Path truth = corpus.resolve("truth.jsonl");
        java.util.List<JsonNode> records = planted(corpus);
        String excluded = records.stream().filter(r -> r.path("kind").asText().equals("variant")).findFirst()
                .orElseThrow().path("source").asText();
        long excludedDocs = records.stream().filter(r -> r.path("source").asText().equals(excluded)).count();
        long positives = records.stream().filter(r -> !r.path("source").asText().equals(excluded)
                && r.has("jaccard") && r.path("jaccard").asDouble() >= 0.8).count();
        long negatives = records.stream().filter(r -> !r.path("source").asText().equals(excluded)
                && !r.has("jaccard")).count();
        Path ds = tmp.resolve("excl-ds");
        CliRun prep = CliRun.of("data", "prepare", "--input", corpus.resolve("corpus").toString(), "--out",
                ds.toString(), "--seq-len", "64", "--tokenizer", "bytes", "--dedup", "near", "--exclude-source",
                excluded, "--quiet");
        assertEquals(0, prep.exitCode(), prep.err());
        CliRun score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString(),
                "--json");
        assertEquals(0, score.exitCode(), score.err());
        JsonNode sc = JSON.readTree(score.out());
        assertEquals(excludedDocs, sc.path("left_out").path("--exclude-source").asLong(), score.out());
        assertEquals(positives, sc.path("positives").asLong(), score.out());
        assertEquals(negatives, sc.path("negatives").asLong(), score.out());
        CliRun text = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString());
        assertTrue(text.out().contains("left out of both: " + excludedDocs + " documents the dataset did not take in ("
                + excludedDocs + " by --exclude-source)"), text.out());
    }

    /**
     * The example docs/data.md gives for score-duplicates, run as the page states it: its "left out of both" line is
     * what the commands print (the page said 49 documents, the excluded negatives alone, where they print 56).
     */
    @Test
    void theDocsExampleOfLeftOutDocumentsIsWhatTheCommandsPrint() throws Exception {
        Path c1 = tmp.resolve("c1");
        Path n1 = tmp.resolve("n1");
        assertEquals(0, CliRun.of("data", "plant-duplicates", "--out", c1.toString(), "--mb", "1", "--seed", "1")
                .exitCode());
        CliRun prep = CliRun.of("data", "prepare", "--input", c1.resolve("corpus").toString(), "--out", n1.toString(),
                "--dedup", "near", "--quiet", "--exclude-source", "FreeLaw", "--seq", "64");
        assertEquals(0, prep.exitCode(), prep.err());
        CliRun score = CliRun.of("data", "score-duplicates", "--dataset", n1.toString(), "--truth",
                c1.resolve("truth.jsonl").toString());
        assertEquals(0, score.exitCode(), score.err());
        String leftOut = score.out().lines().filter(l -> l.startsWith("left out of both: ")).findFirst().orElseThrow();
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(repo.resolve("wafer"))) {
            repo = repo.getParent();
        }
        // The page wraps its lines: compare with runs of white space as one space.
        String page = Files.readString(repo.resolve("docs/data.md")).replaceAll("\\s+", " ");
        assertTrue(page.contains("`" + leftOut + "`"), "docs/data.md does not quote: " + leftOut);
        assertTrue(score.out().contains("recall 1.0000 (33 of 33 ") && score.out().contains("(0 of 169 "),
                score.out());
        assertTrue(page.contains("give recall 33 of 33, false positives 0 of 169"), "docs/data.md's figures");
    }

    /** Plants the small seeded corpus (0.3 MB, seed 1) into {@code corpus} and returns its truth records. */
    private static java.util.List<JsonNode> planted(Path corpus) throws Exception {
        assertEquals(0, CliRun.of("data", "plant-duplicates", "--out", corpus.toString(), "--mb", "0.3", "--seed",
                "1").exitCode());
        java.util.List<JsonNode> records = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(corpus.resolve("truth.jsonl"))) {
            records.add(JSON.readTree(line));
        }
        return records;
    }

    /**
     * A cluster whose original was malformed: deduplication never saw the original, so its first kept copy is rightly
     * kept and takes the original's place; it was counted as a missed positive (recall 37 of 39 where all were found).
     */
    @Test
    void theFirstKeptCopyOfALeftOutOriginalTakesItsPlace() throws Exception {
        Path corpus = tmp.resolve("orph");
        Path truth = corpus.resolve("truth.jsonl");
        java.util.List<JsonNode> records = planted(corpus);
        // The original of the first cluster with a copy at or above the threshold: made malformed in the corpus.
        long cluster = records.stream().filter(r -> r.path("kind").asText().equals("variant")
                && r.path("jaccard").asDouble() >= 0.8).findFirst().orElseThrow().path("cluster").asLong();
        String location = records.stream().filter(r -> r.path("cluster").asLong() == cluster
                && r.path("kind").asText().equals("original")).findFirst().orElseThrow().path("location").asText();
        Path file = corpus.resolve("corpus").resolve(location.substring(0, location.lastIndexOf(':')));
        int line = Integer.parseInt(location.substring(location.lastIndexOf(':') + 1));
        java.util.List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        lines.set(line - 1, "{\"text\": \"\\u0001\\u0002\"}");
        Files.write(file, lines);
        Path ds = tmp.resolve("orph-ds");
        CliRun prep = CliRun.of("data", "prepare", "--input", corpus.resolve("corpus").toString(), "--out",
                ds.toString(), "--seq-len", "64", "--tokenizer", "bytes", "--dedup", "near", "--quiet");
        assertEquals(0, prep.exitCode(), prep.err());
        long copies = records.stream().filter(r -> r.path("cluster").asLong() == cluster && r.has("jaccard")).count();
        long atOrAbove = records.stream().filter(r -> r.has("jaccard") && r.path("jaccard").asDouble() >= 0.8).count();
        long negatives = records.stream().filter(r -> !r.has("jaccard")).count();
        CliRun score = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString(),
                "--json");
        assertEquals(0, score.exitCode(), score.err());
        JsonNode sc = JSON.readTree(score.out());
        assertEquals(1, sc.path("left_out").path("malformed").asLong(), score.out());
        assertEquals(1, sc.path("stand_ins").asLong(), score.out());
        assertEquals(negatives, sc.path("negatives").asLong(), "the original's place is taken: " + score.out());
        boolean standInAbove = records.stream().filter(r -> r.path("cluster").asLong() == cluster && r.has("jaccard"))
                .findFirst().orElseThrow().path("jaccard").asDouble() >= 0.8;
        assertEquals(atOrAbove - (standInAbove ? 1 : 0), sc.path("positives").asLong(), "copies " + copies + ": "
                + score.out());
        CliRun text = CliRun.of("data", "score-duplicates", "--dataset", ds.toString(), "--truth", truth.toString());
        assertTrue(text.out().contains("; 1 kept copy of a left-out original counted in its place"), text.out());
    }
}
