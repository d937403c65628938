package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wafer train} end to end on the embedded sample corpus, prepared by {@code wafer data prepare}. */
class TrainCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static Path dataset;

    @BeforeAll
    static void prepare() {
        dataset = tmp.resolve("sample");
        CliRun run = CliRun.of("data", "prepare", "--out", dataset.toString(), "--seq-len", "64", "--quiet",
                "--split", "0.9,0.05,0.05", "--exclude-source", "Books3");
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void lossFallsOnRealTextAndValidationIsReported() throws Exception {
        CliRun run = CliRun.of("train", "--data", dataset.toString(), "--d-model", "64", "--layers", "1",
                "--heads", "2", "--seq", "64", "--batch", "4", "--steps", "40", "--lr", "3e-3", "--json");
        assertEquals(0, run.exitCode(), run.err());
        List<JsonNode> lines = run.out().lines().map(TrainCommandTest::parse).toList();
        List<JsonNode> steps = lines.stream().filter(n -> n.has("step")).toList();
        assertEquals(40, steps.size());
        for (String field : new String[] {"step", "loss", "lr", "grad_norm", "tokens_per_s"}) {
            assertTrue(steps.get(0).has(field), field);
        }
        double first = mean(steps.subList(0, 5));
        double last = mean(steps.subList(35, 40));
        // ln(50257) = 10.8 at initialisation; 40 steps on English text must get well below it.
        assertTrue(first > 10.3, "initial loss " + first);
        assertTrue(last < first - 2.0, "loss did not fall: " + first + " -> " + last);
        JsonNode validation = lines.get(lines.size() - 1);
        assertTrue(validation.get("validation_loss").asDouble() < first - 1.0, validation.toString());
    }

    /**
     * Two steps at lr 1e30 leave the parameters finite but so large that the validation forward overflows: one line
     * naming the step and what to change, exit 2, no stack trace; the steps' JSON lines stay valid.
     */
    @Test
    void aRunWhoseValidationLossOverflowsSaysSoInOneLine() throws Exception {
        CliRun run = CliRun.of("train", "--data", dataset.toString(), "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "32", "--batch", "2", "--steps", "2", "--lr", "1e30", "--json");
        assertEquals(2, run.exitCode(), run.out() + run.err());
        // The rows are 64 tokens and --seq 32: the run's note line says so before the error's one line.
        java.util.List<String> errors = run.err().lines().filter(l -> !l.startsWith("wafer: note:")).toList();
        assertTrue(errors.size() == 1 && errors.get(0).startsWith("wafer: step 2: the validation loss is NaN")
                && errors.get(0).contains("smaller --lr"), run.err());
        assertEquals(2, run.out().lines().map(TrainCommandTest::parse).filter(n -> n.has("step")).count(),
                run.out());
    }

    /**
     * More --eval-batches than the validation split holds: each of its sequences is scored once, not wrapped around
     * and counted twice (an epoch of a split is all its sequences but the last).
     */
    @Test
    void validationScoresEachSequenceOnceAtMost() throws Exception {
        long sequences = JSON.readTree(dataset.resolve("manifest.json").toFile()).path("splits").path("val")
                .path("sequences").asLong();
        assertTrue(sequences > 5, "the fixture's validation split has " + sequences + " sequences");
        CliRun run = CliRun.of("train", "--data", dataset.toString(), "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "64", "--batch", "4", "--steps", "2", "--eval-batches", "100000", "--json");
        assertEquals(0, run.exitCode(), run.err());
        List<JsonNode> lines = run.out().lines().map(TrainCommandTest::parse).toList();
        JsonNode validation = lines.get(lines.size() - 1);
        // Every usable sequence, the last micro-batch scored in part.
        assertEquals((sequences - 1) * 64, validation.get("validation_tokens").asLong(), validation.toString());
    }

    /**
     * A validation split smaller than one micro-batch: each usable sequence is scored once (the micro-batch's other
     * rows are not counted), the loss the same as with micro-batches of one. It used to score the whole micro-batch,
     * wrapping around the split and counting sequences twice.
     */
    @Test
    void aValidationSplitSmallerThanOneMicroBatchCountsEachSequenceOnce() throws Exception {
        long usable = JSON.readTree(dataset.resolve("manifest.json").toFile()).path("splits").path("val")
                .path("sequences").asLong() - 1;
        String batch = String.valueOf(usable + 2);
        JsonNode[] validation = new JsonNode[2];
        String[] micro = {batch, "1"};
        for (int i = 0; i < 2; i++) {
            CliRun run = CliRun.of("train", "--data", dataset.toString(), "--d-model", "32", "--layers", "1",
                    "--heads", "2", "--seq", "64", "--batch", batch, "--micro-batch", micro[i], "--steps", "1",
                    "--eval-batches", "100000", "--json");
            assertEquals(0, run.exitCode(), run.err());
            List<JsonNode> lines = run.out().lines().map(TrainCommandTest::parse).toList();
            validation[i] = lines.get(lines.size() - 1);
            assertEquals(usable * 64, validation[i].get("validation_tokens").asLong(), validation[i].toString());
        }
        assertEquals(validation[1].get("validation_loss").asDouble(), validation[0].get("validation_loss").asDouble(),
                1e-4, "micro-batches of " + batch + " and of 1 score the same sequences");
    }

    /**
     * A validation batch is 8 sequences whatever the micro-batch (which the heap chooses by default): the same run
     * trained in micro-batches of 4, 2 or 1 scores the same sequences. --eval-batches used to count micro-batches, so
     * these scored 4, 2 and 1 sequences per batch and reported three validation losses.
     */
    @Test
    void validationLossDoesNotDependOnTheMicroBatch() throws Exception {
        long usable = JSON.readTree(dataset.resolve("manifest.json").toFile()).path("splits").path("val")
                .path("sequences").asLong() - 1;
        assertTrue(usable >= 16, "the fixture's validation split has " + usable + " usable sequences");
        JsonNode[] validation = new JsonNode[3];
        String[] micro = {"4", "2", "1"};
        for (int i = 0; i < micro.length; i++) {
            CliRun run = CliRun.of("train", "--data", dataset.toString(), "--d-model", "32", "--layers", "1",
                    "--heads", "2", "--seq", "64", "--batch", "4", "--micro-batch", micro[i], "--steps", "2",
                    "--eval-batches", "2", "--json");
            assertEquals(0, run.exitCode(), run.err());
            List<JsonNode> lines = run.out().lines().map(TrainCommandTest::parse).toList();
            validation[i] = lines.get(lines.size() - 1);
            assertEquals(2 * 8 * 64, validation[i].get("validation_tokens").asLong(), validation[i].toString());
        }
        for (int i = 1; i < micro.length; i++) {
            assertEquals(validation[0].get("validation_loss").asDouble(),
                    validation[i].get("validation_loss").asDouble(), 1e-5, "micro-batch " + micro[i]);
        }
    }

    @Test
    void sameSeedGivesTheSameLossesBitForBit() {
        String[] args = {"train", "--data", dataset.toString(), "--d-model", "32", "--layers", "1", "--heads", "2",
            "--seq", "32", "--batch", "2", "--steps", "5", "--json", "--parameterisation", "mup", "--seed", "9"};
        assertEquals(CliRun.of(args).out().lines().map(l -> parse(l).path("loss").asText()).toList(),
                CliRun.of(args).out().lines().map(l -> parse(l).path("loss").asText()).toList());
    }

    @Test
    void badInputIsOneLine() {
        CliRun run = CliRun.of("train", "--data", dataset.toString(), "--d-model", "30", "--heads", "4");
        assertEquals(2, run.exitCode());
        assertEquals("wafer: --d-model 30 is not a multiple of --heads 4 (d_head = d_model / heads)",
                run.err().strip());
        run = CliRun.of("train", "--data", dataset.toString(), "--seq", "128", "--steps", "1");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("prepare the data with --seq-len 128"), run.err());
        run = CliRun.of("train", "--preset", "3B");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --preset: unknown preset '3B'"), run.err());
        // --vocab is for a new run (a checkpoint fixes it), and the refusal says so.
        run = CliRun.of("train", "--data", dataset.toString(), "--vocab", "97", "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "64", "--batch", "2", "--steps", "1");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: dataset " + dataset + " has vocabulary 50257 but the model's is 97; train a new run with"
                + " --vocab 50257 (a resumed run keeps its checkpoint's vocabulary)", run.err().strip());
    }

    private static double mean(List<JsonNode> steps) {
        return steps.stream().mapToDouble(n -> n.get("loss").asDouble()).average().orElseThrow();
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
