package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * What {@code data prepare} makes of its inputs: a file named twice is refused, source names with stray white space
 * or control characters are excluded and printed distinguishably, a text of control characters only is malformed.
 */
class DataPrepareInputsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] WORDS = ("river stone lantern quiet orchard copper meadow window thunder paper"
            + " harbour violet engine candle mirror forest saddle pocket ladder marble").split(" ");

    @TempDir
    Path tmp;

    /** A JSONL line of 60 seeded random words with the given source. */
    private static String line(SplittableRandom rng, String source) throws IOException {
        StringBuilder text = new StringBuilder("Document");
        for (int w = 0; w < 60; w++) {
            text.append(' ').append(WORDS[rng.nextInt(WORDS.length)]);
        }
        return JSON.writeValueAsString(JSON.createObjectNode().put("text", text.toString())
                .set("meta", JSON.createObjectNode().put("pile_set_name", source))) + "\n";
    }

    private Path corpus(String name, String... sources) throws IOException {
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        StringBuilder out = new StringBuilder();
        for (String s : sources) {
            out.append(line(rng, s));
        }
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, out);
        return file;
    }

    private static CliRun prepare(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("data", "prepare", "--out", out.toString(), "--tokenizer",
                "bytes", "--seq-len", "16", "--split", "0.8,0.1,0.1", "--quiet"));
        args.addAll(List.of(extra));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static void assertOneLineError(CliRun run, String... fragments) {
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("wafer: ") && run.err().strip().lines().count() == 1, run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), "expected '" + f + "' in: " + run.err());
        }
    }

    @Test
    void aFileNamedTwiceIsRefusedNamingBothInputs() throws IOException {
        Path file = corpus("in/mem.jsonl", "Pile-CC", "Pile-CC", "Pile-CC");
        Path dir = file.getParent();
        Path ds = tmp.resolve("ds");
        assertOneLineError(prepare(ds, "--input", dir.toString(), "--input", file.toString()),
                "--input " + dir + " and --input " + file + " both name " + file, "give each file once");
        assertOneLineError(prepare(ds, "--input", file.toString(), "--input", file.toString()),
                "--input " + file + " is given twice");
        Path other = dir.resolve(".").resolve("mem.jsonl");
        assertOneLineError(prepare(ds, "--input", file.toString(), "--input", other.toString()),
                "--input " + file + " and --input " + other + " both name " + file);
        assertFalse(Files.exists(ds), "nothing is written");
        assertEquals(0, prepare(ds, "--input", dir.toString()).exitCode());
    }

    /** A hard link has a real path of its own: it got past the check and every count was doubled. */
    @Test
    void aHardLinkToAFileNamedAlreadyIsRefused() throws IOException {
        Path file = corpus("h/a.jsonl", "Pile-CC", "Pile-CC", "Pile-CC");
        Path hard = Files.createLink(tmp.resolve("h/hard.jsonl"), file);
        Path ds = tmp.resolve("ds");
        assertOneLineError(prepare(ds, "--input", file.toString(), "--input", hard.toString()),
                "--input " + file + " and --input " + hard + " both name " + file + " (as " + hard + ")");
        assertOneLineError(prepare(ds, "--input", file.getParent().toString()), "links to one file");
        assertFalse(Files.exists(ds), "nothing is written");
    }

    /** A dangling link or a FIFO inside a folder was skipped without a word, while a FIFO given directly is refused. */
    @Test
    void aFolderEntryThatIsNotAFileIsRefusedNamingIt() throws Exception {
        Path file = corpus("f/a.jsonl", "Pile-CC", "Pile-CC", "Pile-CC");
        Path dir = file.getParent();
        Path dangling = Files.createSymbolicLink(dir.resolve("gone.jsonl"), tmp.resolve("nowhere.jsonl"));
        Path ds = tmp.resolve("ds");
        assertOneLineError(prepare(ds, "--input", dir.toString()),
                "--input " + dir + " holds " + dangling + ", which is a symbolic link to nothing");
        Files.delete(dangling);
        Path fifo = dir.resolve("pipe.jsonl");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        assertOneLineError(prepare(ds, "--input", dir.toString()),
                "--input " + dir + " holds " + fifo + ", which is a FIFO");
        assertFalse(Files.exists(ds), "nothing is written");
        Files.move(fifo, dir.resolve(".pipe"));
        assertEquals(0, prepare(ds, "--input", dir.toString()).exitCode(), "a hidden entry is skipped");
    }

    @Test
    void sourceNamesWithStrayWhiteSpaceOrControlsAreExcludedAndPrintedQuoted() throws IOException {
        Path input = corpus("ts.jsonl", "Pile-CC", "Pile-CC", "Books3", "Books3 ", "Books3\u0000", "Pile-CC");
        Path ds = tmp.resolve("ds");
        CliRun run = prepare(ds, "--input", input.toString(), "--exclude-source", "Books3", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(run.out()).path("summary");
        assertEquals(3, summary.path("documents").asInt(), run.out());
        assertEquals(3, summary.path("excluded").asInt(), run.out());
        for (JsonNode row : summary.path("sources")) {
            if (row.path("source").asText().startsWith("Books3")) {
                assertEquals(0, row.path("documents").asInt(), "trained on: " + row);
            }
        }
        CliRun stats = CliRun.of("data", "stats", "--dataset", ds.toString());
        assertEquals(0, stats.exitCode(), stats.err());
        assertFalse(stats.out().contains("\u0000"), stats.out());
        assertTrue(stats.out().contains("\"Books3 \" "), stats.out());
        assertTrue(stats.out().contains("\"Books3\\u0000\" "), stats.out());
        assertTrue(stats.out().lines().anyMatch(l -> l.startsWith("Books3 ")), stats.out());
    }

    /**
     * Format characters and Unicode spaces: a zero-width space, a byte order mark, a right-to-left override or a
     * no-break space escaped --exclude-source Books3 and printed exactly like Books3; a line separator or an
     * ideographic space was excluded but printed raw inside the quotes.
     */
    @Test
    void sourceNamesWithFormatCharactersOrUnicodeSpacesAreExcludedAndEscaped() throws IOException {
        String[] odd = {"\u200bBooks3", "Books3\ufeff", "\u202eBooks3", "\u00a0Books3\u00a0", "Books3\u2028",
            "Books3\u3000"};
        List<String> sources = new ArrayList<>(List.of("Pile-CC", "Pile-CC", "Books3", "Pile-CC"));
        sources.addAll(List.of(odd));
        Path input = corpus("fmt.jsonl", sources.toArray(String[]::new));
        Path ds = tmp.resolve("ds");
        CliRun run = prepare(ds, "--input", input.toString(), "--exclude-source", "Books3", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode summary = JSON.readTree(run.out()).path("summary");
        assertEquals(3, summary.path("documents").asInt(), run.out());
        assertEquals(1 + odd.length, summary.path("excluded").asInt(), run.out());
        CliRun stats = CliRun.of("data", "stats", "--dataset", ds.toString());
        assertEquals(0, stats.exitCode(), stats.err());
        for (String name : odd) {
            String escaped = "\"" + name.replace("\u200b", "\\u200b").replace("\ufeff", "\\ufeff")
                    .replace("\u202e", "\\u202e").replace("\u00a0", "\\u00a0").replace("\u2028", "\\u2028")
                    .replace("\u3000", "\\u3000") + "\" ";
            assertTrue(stats.out().contains(escaped), "expected " + escaped + " in: " + stats.out());
        }
        assertFalse(stats.out().chars().anyMatch(c -> c == 0x200b || c == 0xfeff || c == 0x202e || c == 0xa0
                || c == 0x2028 || c == 0x3000), stats.out());
    }

    @Test
    void aTextOfControlCharactersOnlyIsMalformedLikeABlankOne() throws IOException {
        Path input = corpus("c.jsonl", "Pile-CC", "Pile-CC", "Pile-CC");
        Files.writeString(input, Files.readString(input) + "{\"text\": \"\\u0001\\u0002\\u0003\"}\n"
                + "{\"text\": \"  \"}\n");
        Path text = tmp.resolve("controls.txt");
        Files.writeString(text, "\u0001\u0002 \u0003\n");
        Path ds = tmp.resolve("ds");
        CliRun run = prepare(ds, "--input", input.toString(), "--input", text.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode m = JSON.readTree(run.out());
        assertEquals(3, m.path("summary").path("documents").asInt(), run.out());
        assertEquals(3, m.path("summary").path("malformed").asInt(), run.out());
        assertTrue(run.out().contains("control characters"), run.out());
    }

    @Test
    void aCommaListOfLicencesIsRefusedLikeOneOfSources() throws IOException {
        Path input = corpus("l.jsonl", "Pile-CC", "Pile-CC", "Pile-CC");
        Path ds = tmp.resolve("ds");
        assertOneLineError(prepare(ds, "--input", input.toString(), "--allow-licence", "MIT,CC-BY-4.0"),
                "--allow-licence 'MIT,CC-BY-4.0'", "give one licence per --allow-licence (repeat the flag:"
                        + " --allow-licence MIT --allow-licence CC-BY-4.0)", "nothing was written");
        assertFalse(Files.exists(ds), "nothing is written");
    }

    /** data stats lists each input with the SHA-256 of its bytes, which sha256sum would print. */
    @Test
    void dataStatsListsEachInputWithTheSha256OfItsBytes() throws Exception {
        Path file = corpus("in/a.jsonl", "Pile-CC", "Pile-CC", "Books3", "Pile-CC");
        Path out = tmp.resolve("ds");
        assertEquals(0, prepare(out, "--input", file.toString()).exitCode());
        String sha = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        CliRun stats = CliRun.of("data", "stats", "--dataset", out.toString());
        assertEquals(0, stats.exitCode(), stats.err());
        assertTrue(stats.out().contains("inputs (1):\n  " + file + "  " + Files.size(file) + " bytes  sha256 " + sha),
                stats.out());
        JsonNode json = JSON.readTree(CliRun.of("data", "stats", "--dataset", out.toString(), "--json").out());
        assertEquals(sha, json.path("inputs").path(0).path("sha256").asText(), json.toString());
    }
}
