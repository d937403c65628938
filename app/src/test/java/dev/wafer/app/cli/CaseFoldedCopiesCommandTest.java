package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upper-cased copies of a Greek and a German text (σ/ς and Σ, ß and SS) are the texts' words for every command that
 * compares words: {@code data prepare --dedup near} removes them, a {@code data fingerprint} of the text excludes a
 * document holding its upper-cased copy, and {@code data audit} finds the kept originals in the training split.
 * Until 2026-12-08 neither removal nor exclusion happened: words were lower-cased one code point at a time (the
 * membership audit still does that, see {@code WordShingles.letterwise}).
 */
class CaseFoldedCopiesCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GREEK = "Ο άνθρωπος είναι ένας μικρός κόσμος και ο κόσμος είναι ένας μεγάλος άνθρωπος "
            + "που ζει στους δρόμους της πόλης όπως ο ποταμός που τρέχει προς τις θάλασσες του νότου και οι φίλοι "
            + "μας περπατούν στους κήπους της χώρας με τους γέρους ψαράδες και τους νέους ναύτες που ονειρεύονται "
            + "μακρινούς τόπους και χρυσούς ήλιους";
    private static final String GERMAN = "Die große Straße führt aus der Stadt hinaus, und wer sie bei Regen "
            + "entlanggeht, weiß bloß, dass die Füße nass werden. Draußen vor dem Tor grüßt der alte Mann jeden, der "
            + "vorbeikommt, mit einem Gruß und einem Maß Bier, denn er heißt alle willkommen. Schließlich genießt man "
            + "die süße Luft, die Blumen sprießen am Fluss, und die Kinder spielen Fußball, bis man sie nach Hause "
            + "ruft.";

    @TempDir
    Path tmp;

    @Test
    void upperCasedCopiesAreDuplicatesAndExcludedWorks() throws IOException {
        Path corpus = tmp.resolve("c.jsonl");
        Files.writeString(corpus, line(GREEK, "Pile-CC") + line(GERMAN, "Pile-CC") + line(upper(GREEK), "Github")
                + line(upper(GERMAN), "Github"));
        Path ds = tmp.resolve("ds");
        CliRun prep = CliRun.of("data", "prepare", "--input", corpus.toString(), "--out", ds.toString(), "--dedup",
                "near", "--split", "1,0,0", "--seq-len", "64", "--tokenizer", "bytes", "--quiet");
        assertEquals(0, prep.exitCode(), prep.err());
        List<String> duplicates = Files.readAllLines(ds.resolve("duplicates.jsonl"));
        assertEquals(2, duplicates.size(), String.join("\n", duplicates));
        for (String d : duplicates) {
            assertEquals(1.0, JSON.readTree(d).path("similarity").asDouble(), d);
        }

        for (String text : List.of(GREEK, GERMAN)) {
            // The copies were removed and the originals kept: the audit finds each original (its index keeps the
            // letterwise rule, WordShingles.letterwise, so it is asked for the original's words).
            Path copy = tmp.resolve("original.txt");
            Files.writeString(copy, text);
            CliRun audit = CliRun.of("data", "audit", "--dataset", ds.toString(), "--text", copy.toString(), "--json");
            assertEquals(0, audit.exitCode(), audit.err());
            JsonNode a = JSON.readTree(audit.out());
            assertTrue(a.path("member").asBoolean(), audit.out());
            assertEquals(1.0, a.path("matched_fraction").asDouble(), audit.out());

            Path work = tmp.resolve("work.txt");
            Files.writeString(work, text);
            Path fp = tmp.resolve("work.fp");
            CliRun print = CliRun.of("data", "fingerprint", "--text", work.toString(), "--out", fp.toString(),
                    "--overwrite");
            assertEquals(0, print.exitCode(), print.err());
            Path holder = tmp.resolve("holder.jsonl");
            Files.writeString(holder, line("Chapter one. " + upper(text) + " The end.", "Books") + line(
                    "An unrelated note that is long enough to be a document of its own, about rivers and hills.",
                    "Books"));
            Path excluded = tmp.resolve("excluded");
            CliRun rule = CliRun.of("data", "prepare", "--input", holder.toString(), "--out", excluded.toString(),
                    "--exclude-work", fp.toString(), "--seq-len", "64", "--tokenizer", "bytes", "--quiet");
            assertEquals(0, rule.exitCode(), rule.err());
            List<JsonNode> exclusions = new java.util.ArrayList<>();
            dev.wafer.formats.data.ManifestJson.forEachExclusion(excluded, exclusions::add);
            assertEquals(1, exclusions.size(), exclusions.toString());
            assertEquals("holder.jsonl:1", exclusions.get(0).path("location").asText().replaceAll(".*/", ""),
                    exclusions.toString());
            deleteTree(excluded);
        }
    }

    private static String upper(String text) {
        return text.toUpperCase(Locale.ROOT);
    }

    private static String line(String text, String source) throws IOException {
        return JSON.writeValueAsString(JSON.createObjectNode().put("text", text).set("meta",
                JSON.createObjectNode().put("pile_set_name", source))) + "\n";
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
