package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.formats.input.InvalidInputException;

/**
 * Excluded documents go to {@code exclusions.jsonl} as they come, not into a list held until the manifest is written
 * (a corpus with 256,000 exclusions made a 65 MB manifest, and prepare ran out of a 64 MB heap): the manifest keeps
 * their count, and its fingerprint and the documents listed are what the inline form gave.
 */
class ExclusionListFileTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void exclusionsStreamToTheirFileAndTheManifestKeepsTheirSummary() throws IOException {
        Path out = prepare(corpus(), 3, "ds");
        JsonNode manifest = JSON.readTree(out.resolve(DatasetLayout.MANIFEST).toFile());
        JsonNode summary = manifest.path("exclusions");
        List<String> lines = Files.readAllLines(out.resolve(DatasetLayout.EXCLUSIONS), StandardCharsets.UTF_8);
        assertEquals(200, lines.size(), "every other document's source is excluded");
        assertEquals(200, summary.path("count").asLong(), summary.toString());
        assertEquals(DatasetLayout.EXCLUSIONS, summary.path("file").asText());
        assertEquals(200, summary.path("rules").path("source").asLong(), summary.toString());
        assertEquals(200, manifest.path("summary").path("excluded").asLong());
        for (int i = 0; i < lines.size(); i++) {
            JsonNode x = JSON.readTree(lines.get(i));
            assertTrue(x.path("location").asText().endsWith("corpus.jsonl:" + (2 * i + 1)), "input order: " + x);
            assertEquals(List.of("hash", "source", "licence", "location", "rule", "detail"),
                    iterableToList(x.fieldNames()));
            assertEquals("source", x.path("rule").asText());
        }
        List<JsonNode> listed = new ArrayList<>();
        ManifestJson.forEachExclusion(out, listed::add);
        assertEquals(200, listed.size());
        assertEquals(JSON.readTree(lines.get(7)), listed.get(7));
    }

    @Test
    void theFileIsTheSameWhateverTheThreadCount() throws IOException {
        Path corpus = corpus();
        Path one = prepare(corpus, 1, "one");
        Path four = prepare(corpus, 4, "four");
        assertArrayEquals(Files.readAllBytes(one.resolve(DatasetLayout.EXCLUSIONS)),
                Files.readAllBytes(four.resolve(DatasetLayout.EXCLUSIONS)));
        assertEquals(ManifestJson.read(one).fingerprint(), ManifestJson.read(four).fingerprint());
    }

    @Test
    void aManifestWithTheExclusionsInlineLoadsWithTheSameFingerprintAndList() throws IOException {
        Path out = prepare(corpus(), 2, "ds");
        DatasetManifest streamed = ManifestJson.read(out);
        List<JsonNode> fromFile = new ArrayList<>();
        ManifestJson.forEachExclusion(out, fromFile::add);
        // Rewrite it as builds before 2026-12-08 wrote it: the exclusions in the manifest, no exclusions.jsonl.
        DatasetLayout layout = new DatasetLayout(out);
        byte[] inline = PreparedDatasetBytesTest.inlineExclusions(Files.readAllBytes(layout.manifest()), out);
        Files.write(layout.manifest(), inline);
        Files.writeString(layout.manifestSha256(), ManifestCheck.line(inline), StandardCharsets.US_ASCII);
        Files.delete(layout.exclusions());
        assertTrue(JSON.readTree(inline).path("exclusions").isArray());

        DatasetManifest old = ManifestJson.read(out);
        assertEquals(streamed.fingerprint(), old.fingerprint(), "the fingerprint checkpoints record");
        assertEquals(streamed.earlierFingerprints(), old.earlierFingerprints(), "those earlier builds recorded");
        assertEquals(streamed.summary(), old.summary());
        assertEquals(ManifestJson.statsText(streamed), ManifestJson.statsText(old), "data stats --json");
        List<JsonNode> fromManifest = new ArrayList<>();
        ManifestJson.forEachExclusion(out, fromManifest::add);
        assertEquals(fromFile, fromManifest);
    }

    @Test
    void aDatasetWithoutExclusionsHasNoFileAndAnEmptyArray() throws IOException {
        Path in = Files.writeString(tmp.resolve("kept.jsonl"), "{\"text\": \"one document of text\"}\n");
        Path out = prepare(in, 1, "ds", Set.of());
        assertFalse(Files.exists(out.resolve(DatasetLayout.EXCLUSIONS)));
        assertTrue(Files.readString(out.resolve(DatasetLayout.MANIFEST)).contains("\"exclusions\" : [ ],"));
    }

    @Test
    void aDamagedOrMissingFileIsRefusedNamingIt() throws IOException {
        Path out = prepare(corpus(), 1, "ds");
        Path file = out.resolve(DatasetLayout.EXCLUSIONS);
        byte[] bytes = Files.readAllBytes(file);
        bytes[10] ^= 1;
        Files.write(file, bytes);
        InvalidInputException damaged = assertThrows(InvalidInputException.class, () -> ManifestJson.read(out));
        assertTrue(damaged.getMessage().startsWith(file + ": ") && damaged.getMessage().contains("damaged"),
                damaged.getMessage());
        Files.delete(file);
        InvalidInputException missing = assertThrows(InvalidInputException.class, () -> ManifestJson.read(out));
        assertTrue(missing.getMessage().startsWith(file + ": missing"), missing.getMessage());
    }

    /** 400 short documents, alternating sources src0 and src1, in a seeded order of words. */
    private Path corpus() throws IOException {
        Random random = new Random(20261208);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            b.append("{\"text\": \"");
            for (int w = 0; w < 10; w++) {
                b.append(w == 0 ? "" : " ").append("w").append(random.nextInt(1000));
            }
            b.append("\", \"meta\": {\"pile_set_name\": \"src").append(i % 2).append("\"}}\n");
        }
        return Files.writeString(tmp.resolve("corpus.jsonl"), b.toString());
    }

    private Path prepare(Path input, int threads, String name) throws IOException {
        return prepare(input, threads, name, Set.of("src0"));
    }

    private Path prepare(Path input, int threads, String name, Set<String> excluded) throws IOException {
        Path out = tmp.resolve(name);
        String split = "1,0,0";
        PrepareSettings settings = new PrepareSettings(out, new ByteTokenizer(), 16, 3, split,
                SplitAssigner.parse(split), new ProvenanceRules(new HashSet<>(excluded), new HashSet<>(),
                new WorkMatcher(List.of())), List.copyOf(excluded), List.of(), List.of(), Provenance.UNKNOWN_SOURCE,
                Provenance.UNKNOWN_LICENCE, false, threads, 200, 1 << 12);
        new DatasetPreparer(settings, Progress.NONE).prepare(Inputs.resolve(List.of(input), n -> { }));
        return out;
    }

    private static List<String> iterableToList(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
