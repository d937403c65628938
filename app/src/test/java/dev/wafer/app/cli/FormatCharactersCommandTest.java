package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The probe's repro: copies of a work with a soft hyphen (U+00AD) in 1 word of 10, and with a zero-width space
 * (U+200B) in every word, are the work's words for every command that compares words: {@code --exclude-work}
 * excludes both, {@code --dedup near} removes both, and {@code data audit} finds the work in a dataset of the copies.
 * Until 2026-12-07 the invisible characters split their words: both copies were trained on, neither was removed, and
 * the audit said NOT FOUND (22% of the passage). Seeded work: seed {@value #SEED}.
 */
class FormatCharactersCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 5L;

    @TempDir
    Path tmp;

    private static List<String> words() {
        SplittableRandom random = new SplittableRandom(SEED);
        String letters = "abcdefghijklmnoprstuvw";
        List<String> vocabulary = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            StringBuilder w = new StringBuilder();
            for (int k = 3 + random.nextInt(7); k > 0; k--) {
                w.append(letters.charAt(random.nextInt(letters.length())));
            }
            vocabulary.add(w.toString());
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            out.add(vocabulary.get(random.nextInt(vocabulary.size())));
        }
        return out;
    }

    private static String marked(List<String> words, String mark, int every) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            b.append(i == 0 ? "" : " ").append(i % every == 0 ? w.substring(0, 2) + mark + w.substring(2) : w);
        }
        return b.toString();
    }

    private static String line(String text, String source) throws IOException {
        return JSON.writeValueAsString(JSON.createObjectNode().put("text", text).set("meta",
                JSON.createObjectNode().put("pile_set_name", source))) + "\n";
    }

    private Path prepare(Path input, String name, String... extra) {
        Path out = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of("data", "prepare", "--input", input.toString(), "--out",
                out.toString(), "--seq-len", "64", "--split", "1,0,0", "--tokenizer", "bytes", "--quiet"));
        args.addAll(List.of(extra));
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        return out;
    }

    @Test
    void copiesWithInvisibleCharactersAreExcludedRemovedAndFound() throws IOException {
        List<String> words = words();
        String work = String.join(" ", words);
        String shy = marked(words, "\u00ad", 10);
        String zw = marked(words, "\u200b", 1);
        String other = String.join(" ", words.reversed());
        Path corpus = Files.writeString(tmp.resolve("corpus.jsonl"),
                line(work, "Books3") + line(shy, "Books3") + line(zw, "Books3") + line(other, "Pile-CC"));
        Path workFile = Files.writeString(tmp.resolve("work.txt"), work);

        Path excluded = prepare(corpus, "ds-work", "--exclude-work", workFile.toString());
        List<JsonNode> exclusions = new ArrayList<>();
        dev.wafer.formats.data.ManifestJson.forEachExclusion(excluded, exclusions::add);
        assertEquals(List.of("corpus.jsonl:1", "corpus.jsonl:2", "corpus.jsonl:3"), exclusions.stream()
                .map(x -> x.path("location").asText().replaceAll(".*/", "")).toList(), "seed " + SEED);

        Path dedup = prepare(corpus, "ds-dedup", "--dedup", "near");
        List<String> duplicates = Files.readAllLines(dedup.resolve("duplicates.jsonl"));
        assertEquals(2, duplicates.size(), "seed " + SEED + ": " + duplicates);
        for (String d : duplicates) {
            assertEquals(1.0, JSON.readTree(d).path("similarity").asDouble(), d);
        }

        Path copies = Files.writeString(tmp.resolve("copies.jsonl"), line(shy, "Books3") + line(zw, "Books3"));
        Path audited = prepare(copies, "ds-audit");
        Path passage = Files.writeString(tmp.resolve("passage.txt"), String.join(" ", words.subList(0, 100)));
        CliRun audit = CliRun.of("data", "audit", "--dataset", audited.toString(), "--text", passage.toString(),
                "--json");
        assertEquals(0, audit.exitCode(), audit.err());
        JsonNode a = JSON.readTree(audit.out());
        assertTrue(a.path("member").asBoolean(), "seed " + SEED + ": " + audit.out());
        assertEquals(1.0, a.path("matched_fraction").asDouble(), audit.out());
    }
}
