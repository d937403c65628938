package dev.wafer.formats.data.planted;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.data.WordShingles;
import dev.wafer.domain.data.dedup.Jaccard;

/** The planted corpus: reproducible, varied, and its truth file right about every copy. */
class PlantedCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theSameSeedWritesTheSameBytesAndTheTruthMatchesTheText() throws IOException {
        long seed = 17;
        PlantedCorpus.Summary a = new PlantedCorpus(1_500_000, seed, 2, 8, 40).write(dir.resolve("a"));
        PlantedCorpus.Summary b = new PlantedCorpus(1_500_000, seed, 2, 8, 40).write(dir.resolve("b"));
        assertEquals(2, a.corpus().size());
        for (int f = 0; f < a.corpus().size(); f++) {
            assertArrayEquals(Files.readAllBytes(a.corpus().get(f)), Files.readAllBytes(b.corpus().get(f)));
        }
        assertArrayEquals(Files.readAllBytes(a.truth()), Files.readAllBytes(b.truth()));

        Map<String, String> text = new HashMap<>();
        for (Path file : a.corpus()) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                text.put(file.getFileName() + ":" + (i + 1), JSON.readTree(lines.get(i)).path("text").asText());
            }
        }
        WordShingles shingles = new WordShingles(5);
        Set<String> kinds = new HashSet<>();
        Set<String> edits = new HashSet<>();
        Set<String> distinctTexts = new HashSet<>(text.values());
        int copies = 0;
        for (String line : Files.readAllLines(a.truth())) {
            JsonNode t = JSON.readTree(line);
            kinds.add(t.path("kind").asText());
            t.path("edits").forEach(e -> edits.add(e.asText()));
            if (t.has("duplicate_of")) {
                copies++;
                double exact = Jaccard.ofSorted(shingles.distinct(text.get(t.path("location").asText())),
                        shingles.distinct(text.get(t.path("duplicate_of").asText())));
                assertEquals(exact, t.path("jaccard").asDouble(), 1e-12, line);
            }
        }
        assertEquals(Set.of("original", "unrelated", "variant", "exact"), kinds);
        assertEquals(Set.of("insert", "delete", "reorder", "header", "footer", "whitespace", "case"), edits);
        assertTrue(copies > 20, "copies " + copies);
        assertTrue(distinctTexts.size() > text.size() - copies, "every generated document differs");
    }

    /**
     * The summary counts what was written, and truth.jsonl agrees: an original lists at least one copy in the corpus
     * (copies pending at the size limit were dropped while their originals were still counted: 58 originals said,
     * 31 with a copy).
     */
    @Test
    void theSummaryAndTheTruthCountOnlyCopiesThatWereWritten() throws IOException {
        PlantedCorpus.Summary s = new PlantedCorpus(1_000_000, 1, 1, 8, 60).write(dir.resolve("c"));
        Set<String> originals = new HashSet<>();
        Set<String> withCopies = new HashSet<>();
        long copies = 0;
        long lines = 0;
        for (String line : Files.readAllLines(s.truth())) {
            lines++;
            JsonNode t = JSON.readTree(line);
            if (t.path("kind").asText().equals("original")) {
                originals.add(t.path("location").asText());
            }
            if (t.has("duplicate_of")) {
                copies++;
                withCopies.add(t.path("duplicate_of").asText());
            }
        }
        assertEquals(s.documents(), lines);
        assertEquals(copies, s.copies());
        assertEquals(withCopies, originals, "an original is listed exactly when a copy of it was written");
        assertEquals(originals.size(), s.originals());
        assertEquals(31, s.originals(), "58 were said, of which 31 have a copy in this corpus");
    }
}
