package dev.wafer.app.cli;

import dev.wafer.formats.study.MupSearchLog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.param.MupHyperparameters;
import dev.wafer.domain.study.MupSearchSpace;
import dev.wafer.formats.plot.StudyPlotsTest;

/**
 * {@code wafer study mup-search} end to end on a tiny budget: the results file grows a line per sample, a rerun
 * after a kill (a partial file with a cut-short last line) trains only what is missing, the best is the minimum,
 * and the plot and JSON are written.
 */
class MupSearchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 7;

    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void prepare() {
        dataset = tmp.resolve("bytes16");
        StudyData.bytes16(dataset);
    }

    private static String[] search(Path out, int samples, String... more) {
        return search(out, samples, SEED, more);
    }

    private static String[] search(Path out, int samples, long seed, String... more) {
        List<String> args = new ArrayList<>(List.of("study", "mup-search", "--proxy", "mup-proxy-64", "--samples",
                String.valueOf(samples), "--budget-tokens", "128", "--data", dataset.toString(), "--seq", "16",
                "--batch", "2", "--eval-sequences", "4", "--seed", String.valueOf(seed), "--out", out.toString(),
                "--json", "--quiet"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void aSearchWritesItsSamplesResumesAndPicksTheMinimum() throws Exception {
        Path out = tmp.resolve("search");
        CliRun first = CliRun.of(search(out, 3));
        assertEquals(0, first.exitCode(), first.err());
        JsonNode root = JSON.readTree(first.out());
        assertEquals(root, JSON.readTree(out.resolve("mup-search.json").toFile()));
        StudyPlotsTest.check(out.resolve("mup-search.png"));
        assertEquals("mup-search", root.get("study").asText());
        assertEquals(64, root.get("d_model").asInt());
        assertEquals(3, root.get("samples").size());
        List<MupHyperparameters> seeded = MupSearchSpace.samples(SEED, 3);
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < 3; i++) {
            JsonNode s = root.get("samples").get(i);
            assertEquals(i, s.get("index").asInt());
            assertEquals(seeded.get(i).baseLearningRate(), s.get("eta_base").asDouble(), 0, "seed " + SEED);
            assertEquals(seeded.get(i).embeddingMultiplier(), s.get("m_emb").asDouble(), 0, "seed " + SEED);
            if (!s.get("diverged").asBoolean()) {
                min = Math.min(min, s.get("loss").asDouble());
            }
        }
        assertEquals(min, root.get("best").get("loss").asDouble(), 0, "the best is the minimum");
        Path log = out.resolve(MupSearchLog.FILE_NAME);
        List<String> lines = Files.readAllLines(log);
        assertEquals(3, lines.size());

        // A kill during sample 2: its line was cut short. The rerun asks for 4 samples and trains 2 and 3 only.
        String cut = lines.get(0) + "\n" + lines.get(1) + "\n" + lines.get(2).substring(0, 20);
        Files.writeString(log, cut);
        // The file as it was, by a second name: dropping the cut line must not rewrite it in place (a kill during
        // that rewrite lost every finished sample); the new content is renamed over it.
        Path linked = tmp.resolve("log-before-rerun");
        Files.deleteIfExists(linked);
        Files.createLink(linked, log);
        CliRun rerun = CliRun.of(search(out, 4));
        assertEquals(0, rerun.exitCode(), rerun.err());
        assertEquals(cut, Files.readString(linked), "the old log was not rewritten in place");
        List<String> after = Files.readAllLines(log);
        assertEquals(4, after.size(), String.join("\n", after));
        assertEquals(lines.subList(0, 3), after.subList(0, 3), "sample 2 retrained to the same result");
        JsonNode again = JSON.readTree(rerun.out());
        assertEquals(4, again.get("samples").size());
        for (int i = 0; i < 3; i++) {
            assertEquals(root.get("samples").get(i), again.get("samples").get(i));
        }

        CliRun otherSeed = CliRun.of(search(out, 4, 8));
        assertEquals(2, otherSeed.exitCode());
        assertTrue(otherSeed.err().contains("holds a search with --seed 7, not 8"), otherSeed.err());
    }

    @Test
    void aResumeScoringAnotherNumberOfHeldOutSequencesIsRefused() throws Exception {
        Path out = tmp.resolve("eval-sequences");
        CliRun first = CliRun.of(search(out, 1));
        assertEquals(0, first.exitCode(), first.err());
        List<String> args = new ArrayList<>(List.of(search(out, 2)));
        args.set(args.indexOf("--eval-sequences") + 1, "8");
        CliRun other = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("holds a search with --eval-sequences 4, not 8"), other.err());
        // Another --batch at the same budget gives other steps too: the flag is named, not the steps it gives.
        args = new ArrayList<>(List.of(search(out, 2)));
        args.set(args.indexOf("--batch") + 1, "4");
        CliRun batch = CliRun.of(args.toArray(String[]::new));
        assertEquals(2, batch.exitCode(), batch.err());
        assertEquals("wafer: --out " + out + " holds a search with --batch 2 (batch_sequences), not 4; give another"
                + " --out or the same settings", batch.err().strip());
    }

    /**
     * --eval-sequences under --batch scored the training loss (stdout JSON eval_sequences 0, the log 5); one that is
     * not a multiple was rounded down; --budget-tokens was rounded up to whole steps without a word. Now the count is
     * scored exactly and every output records it, and the rounding of the budget is said in one line.
     */
    @Test
    void theEvalCountAndBudgetAreWhatEveryOutputSays() throws Exception {
        Path out = tmp.resolve("exact-eval");
        List<String> args = new ArrayList<>(List.of(search(out, 1)));
        args.set(args.indexOf("--eval-sequences") + 1, "1");
        args.set(args.indexOf("--budget-tokens") + 1, "100");
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertEquals(1, root.get("eval_sequences").asInt(), run.out());
        assertEquals("held-out", root.get("loss").asText(), run.out());
        assertEquals(128, root.get("tokens_per_sample").asInt(), run.out());
        JsonNode line = JSON.readTree(Files.readAllLines(out.resolve(MupSearchLog.FILE_NAME)).get(0));
        assertEquals(1, line.get("eval_sequences").asInt(), line.toString());
        assertEquals("wafer: --budget-tokens 100 is not a whole number of steps of 32 tokens (--batch x --seq); each"
                + " sample trains 4 steps, 128 tokens", run.err().strip());

        // A log of a search before 2026-12-07 with eval_sequences 3 and batch 2 scored 2: not resumed as 3.
        Path old = tmp.resolve("old-eval");
        List<String> three = new ArrayList<>(List.of(search(old, 1)));
        three.set(three.indexOf("--eval-sequences") + 1, "3");
        assertEquals(0, CliRun.of(three.toArray(String[]::new)).exitCode());
        Path log = old.resolve(MupSearchLog.FILE_NAME);
        String written = Files.readString(log);
        assertTrue(written.contains("\"eval_scoring\":"), written);
        Files.writeString(log, written.replaceFirst(",?\"eval_scoring\":\"[^\"]*\"", ""));
        three.set(three.indexOf("--samples") + 1, "2");
        CliRun resumed = CliRun.of(three.toArray(String[]::new));
        assertEquals(2, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().startsWith("wafer: " + log + ":1: this search was scored before 2026-12-07 on 2"
                + " held-out sequences"), resumed.err());
    }

    /** More held-out sequences than the split has were wrapped and scored twice: capped in the log too. */
    @Test
    void anEvalCountPastTheSplitIsCappedInEveryOutput() throws Exception {
        Path out = tmp.resolve("capped-eval");
        List<String> args = new ArrayList<>(List.of(search(out, 1)));
        args.set(args.indexOf("--eval-sequences") + 1, "1000000");
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        int scored = JSON.readTree(run.out()).get("eval_sequences").asInt();
        assertTrue(scored < 1_000_000, run.out());
        assertTrue(run.err().startsWith("wafer: --eval-sequences 1000000: the validation split has"), run.err());
        JsonNode line = JSON.readTree(Files.readAllLines(out.resolve(MupSearchLog.FILE_NAME)).get(0));
        assertEquals(scored, line.get("eval_sequences").asInt(), line.toString());
        args.set(args.indexOf("--samples") + 1, "2");
        CliRun again = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, again.exitCode(), "the same flags resume: " + again.err());
    }

    private static String[] on(Path data, String[] args) {
        List<String> list = new ArrayList<>(List.of(args));
        list.set(list.indexOf("--data") + 1, data.toString());
        return list.toArray(String[]::new);
    }

    /**
     * The data is compared by content, as train --resume compares it: other data at the same path is refused (its
     * sample was reused with the old loss), a byte-identical copy elsewhere is accepted (it was refused).
     */
    @Test
    void aResumeComparesTheDataByContentNotPath() throws Exception {
        Path here = tmp.resolve("data-here");
        copy(dataset, here);
        Path out = tmp.resolve("by-content");
        CliRun first = CliRun.of(on(here, search(out, 1)));
        assertEquals(0, first.exitCode(), first.err());
        Path moved = tmp.resolve("data-moved");
        copy(here, moved);
        CliRun resumed = CliRun.of(on(moved, search(out, 2)));
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(2, Files.readAllLines(out.resolve(MupSearchLog.FILE_NAME)).size());

        try (var files = Files.walk(here)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        StudyData.bytes16(here, "0.9,0.05,0.05", "--seed", "99");
        CliRun other = CliRun.of(on(here, search(out, 3)));
        assertEquals(2, other.exitCode(), other.err());
        assertTrue(other.err().contains("holds a search on other data (") && other.err().contains("give another"
                + " --out or the same data"), other.err());
    }

    private static void copy(Path from, Path to) throws java.io.IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    @Test
    void aDamagedLogLineIsOneLineWithItsPlace() throws Exception {
        Path out = tmp.resolve("damaged");
        CliRun first = CliRun.of(search(out, 1));
        assertEquals(0, first.exitCode(), first.err());
        Path log = out.resolve(MupSearchLog.FILE_NAME);
        String line = Files.readAllLines(log).get(0);
        Files.writeString(log, line + "\n" + line.substring(0, 30) + "\n" + line + "\n");
        CliRun rerun = CliRun.of(search(out, 3));
        assertEquals(2, rerun.exitCode(), rerun.err());
        String err = rerun.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("wafer: " + log + ":2:") && err.contains("not a mup-search result")
                && !err.contains("[Source"), err);
    }

    @Test
    void anEditedLogLineIsRefusedNamingItsLineAndField() throws Exception {
        Path out = tmp.resolve("edited");
        CliRun first = CliRun.of(search(out, 1));
        assertEquals(0, first.exitCode(), first.err());
        Path log = out.resolve(MupSearchLog.FILE_NAME);
        String line = Files.readAllLines(log).get(0);
        String eta = JSON.readTree(line).get("eta_base").toString();
        // Each once ended in an internal error (exit 70) or a chart of NaN: now one line naming FILE:LINE.
        Map<String, String> edits = new java.util.LinkedHashMap<>();
        edits.put(line.replace("\"eta_base\":" + eta, "\"eta_base\":0.001") + "\n",
                ":1: field 'eta_base' of sample 0 is 0.001, but seed " + SEED + " draws " + eta + " there");
        edits.put(line + "\n" + line + "\n", ":2: field 'index' is 0, already finished on line 1");
        edits.put(line.replaceFirst("\"loss\":[^,]*", "\"loss\":null") + "\n",
                ":1: field 'loss' must be a finite number (null only with \"diverged\":true), found null");
        edits.put(line.replaceFirst("\"index\":0", "\"index\":\"0\"") + "\n",
                ":1: field 'index' must be a whole number from 0 to 2147483647 (a sample's place in the search),"
                        + " found \"0\"");
        // A non-negative index past an int was refused as "must be a non-negative integer" (until 2026-12-08).
        edits.put(line.replaceFirst("\"index\":0", "\"index\":1099511627776") + "\n",
                ":1: field 'index' must be a whole number from 0 to 2147483647 (a sample's place in the search),"
                        + " found 1099511627776");
        edits.put(line.replaceFirst("\"seed\":[^,]*,", "") + "\n", ":1: not a mup-search result (no seed)");
        // Settings of another JSON type were compared as text and accepted ("seed":"7" for 7).
        for (String field : new String[] {"seed", "steps", "batch_sequences", "seq_length", "eval_sequences"}) {
            String value = JSON.readTree(line).get(field).toString();
            edits.put(line.replaceFirst("\"" + field + "\":" + value, "\"" + field + "\":\"" + value + "\"") + "\n",
                    ":1: field '" + field + "' must be an integer, found \"" + value + "\"");
        }
        edits.put(line.replaceFirst("\"proxy\":\"[^\"]*\"", "\"proxy\":7") + "\n",
                ":1: field 'proxy' must be a string, found 7");
        for (Map.Entry<String, String> e : edits.entrySet()) {
            Files.writeString(log, e.getKey());
            CliRun rerun = CliRun.of(search(out, 2));
            assertEquals(2, rerun.exitCode(), rerun.err());
            assertEquals(1, rerun.err().strip().lines().count(), rerun.err());
            assertTrue(rerun.err().startsWith("wafer: " + log + e.getValue()), rerun.err());
        }
        byte[] bytes = (line + "\n" + line.replace("\"proxy\"", "\"pro\u00e9y\"") + "\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(log, bytes);
        CliRun rerun = CliRun.of(search(out, 2));
        assertEquals(2, rerun.exitCode(), rerun.err());
        assertTrue(rerun.err().startsWith("wafer: " + log + ":2: not valid UTF-8"), rerun.err());
    }

    @Test
    void checkTransferRetrainsTheChosenTriplesAtTwiceTheWidth() throws Exception {
        Path out = tmp.resolve("transfer");
        CliRun run = CliRun.of(search(out, 3, "--check-transfer"));
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = JSON.readTree(run.out());
        JsonNode t = root.get("transfer");
        assertEquals(128, t.get("d_model").asInt());
        assertEquals(root.get("best").get("index"), t.get("runs").get(0).get("index"), "the best goes first");
        double previous = Double.NEGATIVE_INFINITY;
        boolean ordered = true;
        for (JsonNode r : t.get("runs")) {
            assertTrue(r.get("proxy_loss").asDouble() >= previous, "proxy order");
            previous = r.get("proxy_loss").asDouble();
        }
        for (int i = 1; i < t.get("runs").size(); i++) {
            ordered &= t.get("runs").get(i - 1).get("wide_loss").asDouble() < t.get("runs").get(i).get("wide_loss")
                    .asDouble();
        }
        assertEquals(ordered, t.get("ranking_holds").asBoolean());
        CliRun text = CliRun.of(java.util.Arrays.stream(search(tmp.resolve("transfer-text"), 2, "--check-transfer",
                "--transfer-factor", "3")).filter(a -> !a.equals("--json")).toArray(String[]::new));
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("transfer to d_model 192") && text.out().contains("ranking holds:"),
                text.out());
        CliRun bad = CliRun.of(search(tmp.resolve("y"), 2, "--check-transfer", "--transfer-factor", "5"));
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().startsWith("wafer: --transfer-factor must be 2, 3 or 4"), bad.err());
    }

    /**
     * A search whose samples all diverged but one has no ranking to check at a larger width: the search's outputs
     * stand, the transfer is not checked and every output says why (until 2026-12-08 the one triple was re-trained
     * and reported "best stays best: yes; ranking holds: yes", Spearman NaN).
     */
    @Test
    void checkTransferWithOneRankedSampleSaysItCannotCheck() throws Exception {
        Path out = tmp.resolve("transfer-one");
        CliRun first = CliRun.of(search(out, 3));
        assertEquals(0, first.exitCode(), first.err());
        Path log = out.resolve(MupSearchLog.FILE_NAME);
        List<String> lines = Files.readAllLines(log);
        List<String> edited = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            edited.add(i == 0 ? line : line.replaceFirst("\"loss\":[-0-9.eE+]+", "\"loss\":null")
                    .replace("\"diverged\":false", "\"diverged\":true"));
        }
        Files.write(log, edited);
        CliRun run = CliRun.of(search(out, 3, "--check-transfer"));
        assertEquals(0, run.exitCode(), run.err());
        String why = "only 1 of 3 samples trained without diverging, and the check compares the ranking of at least 2";
        assertTrue(run.err().contains("wafer: --check-transfer: not checked: " + why), run.err());
        JsonNode root = JSON.readTree(run.out());
        assertTrue(root.get("transfer").isNull(), root.toString());
        assertEquals(why, root.get("transfer_not_checked").asText());
        assertEquals(edited, Files.readAllLines(log), "nothing was trained again");
    }

    @Test
    void badFlagsAreOneLineNamingTheFlag() {
        CliRun sp = CliRun.of(search(tmp.resolve("x"), 2, "--parameterisation", "sp"));
        assertEquals(2, sp.exitCode());
        assertTrue(sp.err().startsWith("wafer: --parameterisation sp: mup-search tunes muP only"), sp.err());
        CliRun none = CliRun.of(search(tmp.resolve("x"), 0));
        assertTrue(none.err().startsWith("wafer: --samples must be positive"), none.err());
        CliRun factor = CliRun.of(search(tmp.resolve("x"), 2, "--transfer-factor", "3"));
        assertEquals(2, factor.exitCode());
        assertTrue(factor.err().startsWith("wafer: --transfer-factor: only with --check-transfer"), factor.err());
        CliRun one = CliRun.of(search(tmp.resolve("x"), 1, "--check-transfer"));
        assertEquals(2, one.exitCode());
        assertTrue(one.err().startsWith("wafer: --check-transfer needs at least 2 --samples"), one.err());
        CliRun proxy = CliRun.of("study", "mup-search", "--proxy", "nope", "--samples", "2", "--quiet");
        assertEquals(2, proxy.exitCode());
        assertTrue(proxy.err().startsWith("wafer: --proxy:"), proxy.err());
    }
}
