package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers the studies are given are the numbers they use and report: held-out sequences (scored each once, never
 * rounded to batches), tokens per parameter (printed as given, refused when one step exceeds them).
 */
class StudyNumbersTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void prepare() {
        dataset = tmp.resolve("bytes16");
        StudyData.bytes16(dataset);
    }

    private static CliRun study(String study, String out, String... more) {
        List<String> args = new ArrayList<>(List.of("study", study, "--data", dataset.toString(), "--seq", "16",
                "--batch", "2", "--seed", "3", "--out", tmp.resolve(out).toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static CliRun sweep(String out, String eval) {
        return study("lr-sweep", out, "--json", "--quiet", "--widths", "16,32", "--lrs", "3e-3", "--tokens", "64",
                "--d-head", "16", "--layers", "1", "--eval-sequences", eval);
    }

    /**
     * --eval-sequences under --batch scored nothing (the training loss, eval_sequences 0) and a count that is not a
     * multiple was rounded down (3 -> 2): each is now scored exactly, the last micro-batch in part.
     */
    @Test
    void evalSequencesAreScoredExactly() throws Exception {
        for (int eval : new int[] {1, 3}) {
            CliRun run = sweep("lr-" + eval, String.valueOf(eval));
            assertEquals(0, run.exitCode(), run.err());
            JsonNode root = JSON.readTree(run.out());
            assertEquals(eval, root.get("eval_sequences").asInt(), run.out());
            assertEquals("held-out", root.get("loss").asText(), run.out());
            assertTrue(run.err().isEmpty(), run.err());
        }
        // Three sequences are not two: the losses differ from a count of 2 (the rounded one).
        JsonNode three = JSON.readTree(sweep("lr-3b", "3").out());
        JsonNode two = JSON.readTree(sweep("lr-2", "2").out());
        assertTrue(three.get("points").get(0).get("final_loss").asDouble()
                != two.get("points").get(0).get("final_loss").asDouble(), three + " vs " + two);
    }

    /** --tokens that are not whole steps were rounded up without a word: said in one line, the JSON has the count. */
    @Test
    void sweepTokensRoundedUpToWholeStepsAreSaidSo() throws Exception {
        CliRun run = study("lr-sweep", "lr-round", "--json", "--quiet", "--widths", "16,32", "--lrs", "3e-3",
                "--tokens", "70", "--d-head", "16", "--layers", "1", "--eval-sequences", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("wafer: --tokens 70 is not a whole number of steps of 32 tokens (--batch x --seq); each run"
                + " trains 3 steps, 96 tokens", run.err().strip());
        assertEquals(96, JSON.readTree(run.out()).get("tokens_per_run").asLong(), run.out());
        assertTrue(sweep("lr-whole", "2").err().isEmpty(), "64 tokens are two whole steps: nothing to say");
    }

    /** More held-out sequences than the split has were wrapped and scored twice: capped, said in one line. */
    @Test
    void evalSequencesAreCappedAtTheSplitAndSaidSo() throws Exception {
        CliRun run = sweep("lr-cap", "1000000");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode root = JSON.readTree(run.out());
        int scored = root.get("eval_sequences").asInt();
        assertTrue(scored > 100 && scored < 1_000_000, run.out());
        assertEquals(String.format(java.util.Locale.ROOT, "wafer: --eval-sequences 1000000: the validation split"
                + " has %,d sequences to score (each once); scoring %,d", scored, scored), run.err().strip());
        // The split's sequences but the last (no next token for its last target), as train's --eval-batches.
        assertTrue(root.get("data").asText().contains(String.format(java.util.Locale.ROOT, "%,d validation",
                scored + 1)), root.get("data").asText());
    }

    /** Fractional tokens per parameter were printed whole (0.25 as "0", 1.5 as "2") in the table and progress. */
    @Test
    void tokensPerParameterArePrintedAsGiven() {
        CliRun run = study("scaling", "sc-ratio", "--sizes", "16x1,32x1,48x1", "--d-head", "16", "--tokens-per-param",
                "0.25", "--extra-tokens-per-param", "0.15,1.5", "--extra-size", "16x1", "--eval-sequences", "4");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(", 0.25 tokens/parameter,"), run.out());
        assertTrue(run.out().contains(" 0.15 (extra) "), run.out());
        assertTrue(run.out().contains(" 1.5 (extra) "), run.out());
        assertTrue(run.err().contains(", 0.25 tokens/param"), run.err());
        assertTrue(run.err().contains(", 1.5 tokens/param"), run.err());
    }

    /** A ratio one step already exceeds trained one step per model and fitted the law to those: refused. */
    @Test
    void aRatioUnderOneStepOrPastCountingIsRefusedNamingTheFlag() {
        CliRun low = study("scaling", "sc-low", "--quiet", "--sizes", "32x1,16x1,48x1", "--d-head", "16",
                "--tokens-per-param", "0.001", "--eval-sequences", "0");
        assertEquals(2, low.exitCode(), low.err());
        assertEquals(1, low.err().strip().lines().count(), low.err());
        assertTrue(low.err().startsWith("wafer: --tokens-per-param 0.001: one step (--batch x --seq, 32 tokens) is"
                + " more than that for size 16x1 ("), low.err());
        String least = low.err().strip().replaceAll(".*expected at least ([0-9.]+) tokens per parameter$", "$1");
        CliRun ok = study("scaling", "sc-least", "--quiet", "--sizes", "32x1,16x1,48x1", "--d-head", "16",
                "--tokens-per-param", least, "--eval-sequences", "0");
        assertEquals(0, ok.exitCode(), "the least ratio named works: " + least + " " + ok.err());

        CliRun extra = study("scaling", "sc-extra", "--quiet", "--sizes", "16x1,32x1,48x1", "--d-head", "16",
                "--tokens-per-param", "1", "--extra-tokens-per-param", "0.0001", "--eval-sequences", "0");
        assertEquals(2, extra.exitCode(), extra.err());
        assertTrue(extra.err().startsWith("wafer: --extra-tokens-per-param 0.0001: one step"), extra.err());

        CliRun high = study("scaling", "sc-high", "--quiet", "--sizes", "16x1,32x1,48x1", "--d-head", "16",
                "--tokens-per-param", "1e30", "--eval-sequences", "0");
        assertEquals(2, high.exitCode(), high.err());
        assertEquals(1, high.err().strip().lines().count(), high.err());
        assertTrue(high.err().startsWith("wafer: --tokens-per-param 1.0E30: size 48x1 ("), high.err());
        assertTrue(!high.err().contains("tokensPerParameter"), high.err());
    }
}
