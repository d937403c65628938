package dev.wafer.formats.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.data.Provenance;
import dev.wafer.domain.data.ProvenanceRules;
import dev.wafer.domain.data.SplitAssigner;
import dev.wafer.domain.data.WorkMatcher;
import dev.wafer.domain.data.dedup.DedupMode;
import dev.wafer.domain.data.dedup.DedupSettings;
import dev.wafer.formats.data.planted.DuplicateScore;
import dev.wafer.formats.data.planted.PlantedCorpus;
import dev.wafer.ports.data.DocumentSource;

/**
 * {@code data prepare --dedup} on a planted corpus: recall and false positives at the default threshold,
 * {@code duplicates.jsonl} and its manifest entry, byte identity of repeated runs, stats fields and the audit.
 */
class DedupDatasetTest {
    private static final long SEED = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static PlantedCorpus.Summary corpus;

    @BeforeAll
    static void plant() throws IOException {
        corpus = new PlantedCorpus(1_500_000, SEED, 2, 8, 60).write(dir.resolve("corpus"));
    }

    private static Path prepare(String name, DedupMode mode) throws IOException {
        Path out = dir.resolve(name);
        String split = "0.9,0.05,0.05";
        PrepareSettings settings = new PrepareSettings(out, new ByteTokenizer(), 256, 3, split,
                SplitAssigner.parse(split), new ProvenanceRules(new HashSet<>(), new HashSet<>(),
                        new WorkMatcher(List.of())), List.of(), List.of(), List.of(),
                Provenance.UNKNOWN_SOURCE, Provenance.UNKNOWN_LICENCE, false, 2, 200, 1 << 18,
                new DedupSettings(mode, DedupSettings.DEFAULT_THRESHOLD));
        DatasetPreparer preparer = new DatasetPreparer(settings, Progress.NONE);
        List<DocumentSource> inputs = Inputs.resolve(corpus.corpus(), preparer.byteCounter(), out);
        preparer.prepare(inputs);
        return out;
    }

    @Test
    void nearDedupFindsThePlantedCopiesWithoutFalsePositives() throws IOException {
        Path ds = prepare("near", DedupMode.NEAR);
        DuplicateScore score = DuplicateScore.of(ds, corpus.truth(), DedupSettings.DEFAULT_THRESHOLD);
        assertTrue(score.positives() > 100, "the corpus plants copies: " + score);
        assertTrue(score.recall() >= 0.95, "seed " + SEED + ": " + score);
        assertTrue(score.falsePositiveRate() <= 0.01, "seed " + SEED + ": " + score);
        checkDuplicatesFile(ds);
    }

    /** Every removed document is absent from documents.jsonl, its kept copy present; the manifest lists the file. */
    private static void checkDuplicatesFile(Path ds) throws IOException {
        DatasetLayout layout = new DatasetLayout(ds);
        Set<String> kept = new HashSet<>();
        for (String line : Files.readAllLines(layout.documents())) {
            kept.add(JSON.readTree(line).path("location").asText());
        }
        List<String> lines = Files.readAllLines(layout.duplicates());
        assertFalse(lines.isEmpty());
        for (String line : lines) {
            JsonNode n = JSON.readTree(line);
            assertEquals(List.of("location", "duplicate_of", "similarity"), fieldNames(n), line);
            assertFalse(kept.contains(n.path("location").asText()), line);
            assertTrue(kept.contains(n.path("duplicate_of").asText()), line);
            double s = n.path("similarity").asDouble();
            assertTrue(s >= DedupSettings.DEFAULT_THRESHOLD && s <= 1, line);
        }
        DatasetManifest m = ManifestJson.read(ds);
        byte[] bytes = Files.readAllBytes(layout.duplicates());
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        assertEquals(bytes.length, m.file(DatasetLayout.DUPLICATES).bytes());
        assertEquals(String.format("%08x", crc.getValue()), m.file(DatasetLayout.DUPLICATES).crc32c());
        assertEquals(lines.size(), m.summary().duplicates());
        assertEquals(lines.size(), m.summary().sources().stream().mapToLong(DatasetManifest.SourceRow::duplicates).sum());
        assertEquals(kept.size(), m.summary().documents());
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void exactDedupIsByteIdenticalAcrossRunsAndStatsShowTheRemovals() throws IOException {
        Path a = prepare("exact-a", DedupMode.EXACT);
        Path b = prepare("exact-b", DedupMode.EXACT);
        List<String> files = names(a);
        assertEquals(files, names(b));
        assertTrue(files.contains(DatasetLayout.DUPLICATES), files.toString());
        for (String f : files) {
            if (!f.startsWith("manifest.json")) {
                assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
            }
        }
        Map<String, Long> exactCopies = new HashMap<>();
        for (String line : Files.readAllLines(corpus.truth())) {
            JsonNode t = JSON.readTree(line);
            if (t.path("kind").asText().equals("exact")) {
                exactCopies.merge(t.path("source").asText(), 1L, Long::sum);
            }
        }
        DatasetManifest m = ManifestJson.read(a);
        Map<String, Long> removed = new HashMap<>();
        m.summary().sources().forEach(r -> {
            if (r.duplicates() > 0) {
                removed.put(r.source(), r.duplicates());
            }
        });
        assertEquals(exactCopies, removed, "exact mode removes exactly the unedited copies, counted per source");
        Files.readAllLines(new DatasetLayout(a).duplicates())
                .forEach(l -> assertTrue(l.endsWith("\"similarity\":1.0}"), l));
        JsonNode stats = JSON.readTree(ManifestJson.statsText(m));
        assertEquals("exact", stats.path("settings").path("dedup").path("mode").asText());
        assertEquals(m.summary().duplicates(), stats.path("summary").path("duplicates").asLong());
        assertTrue(stats.path("summary").path("sources").get(0).has("duplicates"));
    }

    @Test
    void auditFindsTheSurvivingCopyOfARemovedText() throws IOException {
        Path ds = prepare("near-audit", DedupMode.NEAR);
        Map<String, String> texts = new HashMap<>();
        for (Path file : corpus.corpus()) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                texts.put(file.getFileName() + ":" + (i + 1), JSON.readTree(lines.get(i)).path("text").asText());
            }
        }
        Map<String, String> split = new HashMap<>();
        for (String line : Files.readAllLines(new DatasetLayout(ds).documents())) {
            JsonNode d = JSON.readTree(line);
            split.put(d.path("location").asText(), d.path("split").asText());
        }
        int audited = 0;
        for (String line : Files.readAllLines(new DatasetLayout(ds).duplicates())) {
            JsonNode n = JSON.readTree(line);
            String keptAt = n.path("duplicate_of").asText();
            if (!split.get(keptAt).equals("train")) {
                continue; // the audit covers the training split
            }
            String removedText = texts.get(DuplicateScoreKey.of(n.path("location").asText()));
            DatasetAuditor.Report r = DatasetAuditor.audit(ds, removedText);
            assertTrue(r.member(), "the removed text's copy is in training: " + line + " " + r);
            assertEquals(keptAt, r.documents().get(0).location(), line);
            if (++audited == 25) {
                break;
            }
        }
        assertTrue(audited >= 10, "audited " + audited);
    }

    @Test
    void aDamagedDuplicatesFileIsRefusedByItsChecksum() throws IOException {
        Path ds = prepare("near-damaged", DedupMode.NEAR);
        Path file = new DatasetLayout(ds).duplicates();
        assertEquals(Files.readAllLines(file), PreparedDataset.open(ds, "--dataset").duplicateLines());
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.wafer.formats.input.InvalidInputException.class,
                () -> DuplicateScore.of(ds, corpus.truth(), DedupSettings.DEFAULT_THRESHOLD));
        assertTrue(e.getMessage().startsWith(file + ": CRC-32C is "), e.getMessage());
    }

    @Test
    void withoutDedupThereIsNoDuplicatesFileAndNoDedupField() throws IOException {
        Path ds = prepare("none", DedupMode.NONE);
        assertFalse(Files.exists(new DatasetLayout(ds).duplicates()));
        String manifest = Files.readString(new DatasetLayout(ds).manifest());
        assertFalse(manifest.contains("dedup") || manifest.contains("duplicates"), manifest);
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** {@code file:line} without directories, as the corpus files name their lines. */
    private static final class DuplicateScoreKey {
        static String of(String location) {
            int colon = location.lastIndexOf(':');
            String file = location.substring(0, colon);
            return file.substring(file.lastIndexOf('/') + 1) + location.substring(colon);
        }
    }
}
