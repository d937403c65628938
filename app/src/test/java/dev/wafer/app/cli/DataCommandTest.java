package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.data.DatasetAuditor;
import dev.wafer.formats.data.DatasetLayout;
import dev.wafer.formats.data.GptTokenizer;
import dev.wafer.formats.data.Inputs;
import dev.wafer.formats.data.ShardedSequences;
import dev.wafer.domain.data.Split;
import dev.wafer.domain.data.TextNormaliser;

/** End to end on the embedded sample: prepare with exclusions, then stats, shards and audits. */
class DataCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 31L;

    @TempDir
    static Path tmp;
    static Path dataset;
    static Path work;
    static Map<String, String> textByLocation = new HashMap<>();
    static Result prepared;

    record Result(int code, String out, String err) {
    }

    static Result wafer(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void prepare() throws IOException {
        try (InputStream in = new ZstdInputStream(DataCommandTest.class.getResourceAsStream(Inputs.SAMPLE_RESOURCE))) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                textByLocation.put("embedded:sample.jsonl.zst:" + (i + 1), JSON.readTree(lines[i]).path("text").asText());
            }
        }
        // The excluded work: Devil's Dictionary letter D (line 199 of the sample), re-cased and re-wrapped.
        String d = textByLocation.values().stream().filter(t -> t.startsWith("DAMN, v.")).findFirst().orElseThrow();
        work = tmp.resolve("work.txt");
        Files.writeString(work, d.toUpperCase(java.util.Locale.ROOT).replace("\n", " "));
        Path fp = tmp.resolve("work.fp");
        Result f = wafer("data", "fingerprint", "--text", work.toString(), "--out", fp.toString());
        assertEquals(0, f.code(), f.err());
        dataset = tmp.resolve("ds");
        prepared = wafer("data", "prepare", "--out", dataset.toString(), "--exclude-source", "Books3",
                "--exclude-work", fp.toString(), "--seq-len", "256", "--split", "0.9,0.05,0.05", "--seed", "5",
                "--quiet");
        assertEquals(0, prepared.code(), prepared.err());
    }

    @Test
    void manifestRecordsExclusionsSummaryAndDocuments() throws IOException {
        JsonNode m = JSON.readTree(dataset.resolve("manifest.json").toFile());
        List<String> rules = new ArrayList<>();
        dev.wafer.formats.data.ManifestJson.forEachExclusion(dataset,
                e -> rules.add(e.path("rule").asText() + ":" + e.path("source").asText()));
        assertEquals(4, m.path("exclusions").path("count").asLong(), "the manifest keeps the count: " + m);
        assertEquals(List.of("source:Books3", "source:Books3", "source:Books3", "work:Devil's Dictionary"),
                rules.stream().sorted().toList());
        assertEquals(357 - 1, m.path("summary").path("documents").asLong());
        double share = 0;
        for (JsonNode row : m.path("summary").path("sources")) {
            share += row.path("share").asDouble();
        }
        assertEquals(1.0, share, 1e-9);
        assertTrue(prepared.out().contains("Books3"), prepared.out());
        List<String> docLines = Files.readAllLines(dataset.resolve("documents.jsonl"));
        assertEquals(356, docLines.size());
        JsonNode first = JSON.readTree(docLines.get(0));
        for (String field : List.of("hash", "source", "licence", "tokens", "split", "shard", "offset", "location")) {
            assertTrue(first.has(field), "documents.jsonl field " + field);
        }
        Result stats = wafer("data", "stats", "--dataset", dataset.toString(), "--json");
        assertEquals(0, stats.code(), stats.err());
        assertEquals(356, JSON.readTree(stats.out()).path("summary").path("documents").asLong());
    }

    @Test
    void shardsHoldEachDocumentAtItsManifestPositionFollowedByEndOfText() throws IOException {
        JsonNode m = JSON.readTree(dataset.resolve("manifest.json").toFile());
        GptTokenizer gpt2 = new GptTokenizer();
        try (ShardedSequences train = ShardedSequences.open(new DatasetLayout(dataset), Split.TRAIN, true)) {
            assertEquals(m.path("splits").path("train").path("sequences").asLong(), train.count());
            int checked = 0;
            for (String line : Files.readAllLines(dataset.resolve("documents.jsonl"))) {
                JsonNode d = JSON.readTree(line);
                if (!d.path("split").asText().equals("train") || checked >= 20) {
                    continue;
                }
                int[] expected = gpt2.encode(new TextNormaliser().normalise(textByLocation.get(d.path("location").asText())));
                long offset = d.path("offset").asLong();
                if (offset + expected.length + 1 > train.count() * 256) {
                    continue; // the dropped tail
                }
                int[] got = tokens(train, offset, expected.length + 1);
                assertArrayEquals(expected, Arrays.copyOf(got, expected.length), d.path("location").asText());
                assertEquals(50256, got[expected.length]);
                checked++;
            }
            assertEquals(20, checked);
        }
    }

    private static int[] tokens(ShardedSequences s, long offset, int n) {
        int[] out = new int[n];
        int[] seq = new int[256];
        for (int i = 0; i < n; i++) {
            long p = offset + i;
            s.read(p / 256, seq, 0);
            out[i] = seq[(int) (p % 256)];
        }
        return out;
    }

    @Test
    void auditFindsIncludedPassagesAndNotExcludedOnes(TestReporter reporter) throws IOException {
        Map<String, String> split = new HashMap<>();
        for (String line : Files.readAllLines(dataset.resolve("documents.jsonl"))) {
            JsonNode d = JSON.readTree(line);
            split.put(d.path("location").asText(), d.path("split").asText());
        }
        SplittableRandom r = new SplittableRandom(SEED);
        List<String> train = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        textByLocation.forEach((loc, text) -> {
            if (text.split("\\s+").length < 150) {
                return; // too short to draw passages from
            }
            if ("train".equals(split.get(loc))) {
                train.add(text);
            } else {
                absent.add(text); // validation, test, Books3 and the excluded work
            }
        });
        train.sort(null);
        absent.sort(null);
        int present = 0;
        int edited = 0;
        int falsePositive = 0;
        int n = 200;
        for (int i = 0; i < n; i++) {
            present += DatasetAuditor.audit(dataset, passage(r, train.get(r.nextInt(train.size())), false)).member() ? 1 : 0;
            edited += DatasetAuditor.audit(dataset, passage(r, train.get(r.nextInt(train.size())), true)).member() ? 1 : 0;
            falsePositive += DatasetAuditor.audit(dataset, passage(r, absent.get(r.nextInt(absent.size())), false)).member() ? 1 : 0;
        }
        String figures = String.format("sample corpus, seed %d: present %d/%d, lightly edited %d/%d, false positives %d/%d"
                + " (absent passages from %d val/test/excluded documents)", SEED, present, n, edited, n, falsePositive, n, absent.size());
        reporter.publishEntry("audit on sample", figures);
        assertTrue((present + edited) / (2.0 * n) >= 0.99, figures);
        assertTrue(falsePositive / (double) n <= 0.01, figures);

        Path passage = tmp.resolve("passage.txt");
        Files.writeString(passage, passage(r, Files.readString(work), false));
        Result excluded = wafer("data", "audit", "--dataset", dataset.toString(), "--text", passage.toString(), "--json");
        assertEquals(0, excluded.code(), excluded.err());
        assertFalse(JSON.readTree(excluded.out()).path("member").asBoolean(), excluded.out());
        Files.writeString(passage, passage(r, train.get(0), false));
        Result included = wafer("data", "audit", "--dataset", dataset.toString(), "--text", passage.toString(), "--json");
        JsonNode j = JSON.readTree(included.out());
        assertTrue(j.path("member").asBoolean(), included.out());
        assertTrue(j.path("matched_fraction").asDouble() > 0.99, included.out());
        assertTrue(j.path("documents").get(0).path("location").asText().startsWith("embedded:sample.jsonl.zst:"));
    }

    /** 60 to 110 consecutive whitespace-separated words (at least 50 audit words); edited: 3 words replaced, upper-cased, punctuation dropped. */
    private static String passage(SplittableRandom r, String text, boolean edit) {
        String[] words = text.split("\\s+");
        int len = 60 + r.nextInt(51);
        int start = r.nextInt(Math.max(1, words.length - len));
        int end = Math.min(words.length, start + len);
        // Symbols such as "--" are not audit words; widen the window until it has 55 audit words.
        while (dev.wafer.domain.data.WordShingles.countWords(String.join(" ", Arrays.copyOfRange(words, start, end))) < 55) {
            if (end < words.length) {
                end++;
            } else {
                start--;
            }
        }
        String[] p = Arrays.copyOfRange(words, start, end);
        if (edit) {
            for (int k = 0; k < 3; k++) {
                p[r.nextInt(p.length)] = "zzyzx";
            }
            return String.join("  ", p).toUpperCase(java.util.Locale.ROOT).replaceAll("[.,;:]", "");
        }
        return String.join(" ", p);
    }

    @Test
    void malformedInputIsFatalOnRequestWithFileAndLine() throws IOException {
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, "{\"text\": \"" + "ok ".repeat(40) + "\"}\n{\"text\": 3}\n");
        Result skip = wafer("data", "prepare", "--input", bad.toString(), "--out", tmp.resolve("b1").toString(), "--quiet",
                "--seq-len", "4");
        assertEquals(0, skip.code(), skip.err());
        assertTrue(skip.out().contains("malformed records skipped: 1"), skip.out());
        Result fail = wafer("data", "prepare", "--input", bad.toString(), "--out", tmp.resolve("b2").toString(), "--quiet",
                "--on-error", "fail");
        assertEquals(2, fail.code());
        assertEquals("wafer: malformed input (--on-error fail): " + bad + ":2: field 'text' is not a string\n", fail.err());
        Result flag = wafer("data", "prepare", "--out", tmp.resolve("b3").toString(), "--on-error", "maybe");
        assertEquals(2, flag.code());
        assertEquals("wafer: --on-error must be skip or fail, got 'maybe'\n", flag.err());
        Result noDataset = wafer("data", "audit", "--dataset", tmp.resolve("none").toString(), "--text", bad.toString());
        assertEquals(2, noDataset.code());
        assertTrue(noDataset.err().contains("no manifest.json"), noDataset.err());
    }

    /**
     * An excluded source that no document has and that is no Pile source is refused before anything is written (a
     * typo for Books3 once trained on Books3 with exit 0); a Pile source the input lacks is a valid rule.
     */
    @Test
    void anExcludedSourceThatMatchesNothingIsRefusedUnlessItIsAPileSource() throws IOException {
        Path in = tmp.resolve("sources.jsonl");
        StringBuilder b = new StringBuilder();
        for (String source : List.of("Books3", "Pile-CC", "My Forum")) {
            b.append("{\"text\": \"").append(("a document of " + source + " ").repeat(20))
                    .append("\", \"meta\": {\"pile_set_name\": \"").append(source).append("\"}}\n");
        }
        Files.writeString(in, b);
        Path out = tmp.resolve("typo");
        Result typo = wafer("data", "prepare", "--input", in.toString(), "--out", out.toString(), "--quiet",
                "--seq-len", "8", "--exclude-source", "Book3");
        assertEquals(2, typo.code(), typo.err());
        assertEquals("wafer: --exclude-source 'Book3': no document has this source and it is not one of the Pile's"
                + " sources; the input's sources are Books3, My Forum, Pile-CC (nothing was written; names compare"
                + " case-insensitively)\n", typo.err());
        assertFalse(Files.exists(out), "a refused preparation writes nothing");
        Result list = wafer("data", "prepare", "--input", in.toString(), "--out", out.toString(), "--quiet",
                "--seq-len", "8", "--exclude-source", "Books3,Pile-CC");
        assertEquals(2, list.code(), list.err());
        assertTrue(list.err().contains("give one source per --exclude-source (repeat the flag)"), list.err());
        Result fine = wafer("data", "prepare", "--input", in.toString(), "--out", out.toString(), "--quiet",
                "--seq-len", "8", "--exclude-source", "books3", "--exclude-source", "my forum",
                "--exclude-source", "Enron Emails", "--json");
        assertEquals(0, fine.code(), fine.err());
        assertEquals(2, JSON.readTree(fine.out()).path("summary").path("excluded").asLong(), fine.out());
    }

    /** A fingerprint never replaces a file unasked (it once overwrote the work it was made from). */
    @Test
    void aFingerprintReplacesAnExistingFileOnlyWithOverwrite() throws IOException {
        Path fp = tmp.resolve("again.fp");
        Files.writeString(fp, "precious");
        Result refused = wafer("data", "fingerprint", "--text", work.toString(), "--out", fp.toString());
        assertEquals(2, refused.code(), refused.err());
        assertEquals("wafer: --out " + fp + " already exists; give --overwrite to replace it\n", refused.err());
        assertEquals("precious", Files.readString(fp));
        Result replaced = wafer("data", "fingerprint", "--text", work.toString(), "--out", fp.toString(), "--overwrite");
        assertEquals(0, replaced.code(), replaced.err());
        assertTrue(new String(Files.readAllBytes(fp), StandardCharsets.ISO_8859_1).startsWith("WAFERFPR"));
        if (Files.getFileStore(fp).supportsFileAttributeView("posix")) {
            // As any new file (the umask's mode), not the 0600 of a temporary file: a fingerprint is made to share.
            Path plain = Files.createFile(tmp.resolve("plain-new-file"));
            assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(fp));
        }
        Result self = wafer("data", "fingerprint", "--text", work.toString(), "--out", work.toString(), "--overwrite");
        assertEquals(2, self.code(), self.err());
        assertTrue(self.err().contains("is the --text file"), self.err());
        try (var left = Files.list(tmp)) {
            assertFalse(left.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }
}
