package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code wafer train --preset} runs the paper's recipe: Table 1's batch in tokens, warm-up of about 375M tokens,
 * the decay type and the 13B batch change; the learning rate of every trained step is {@code wafer schedule}'s.
 */
class TrainPresetTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(run.out());
    }

    @Test
    void dryRunOf111MShowsTable1() throws Exception {
        JsonNode r = json("train", "--preset", "111M", "--dry-run", "--no-measure", "--json");
        assertEquals("111M", r.get("preset").asText());
        assertEquals("sp", r.get("parameterisation").asText());
        assertEquals(768, r.get("d_model").asInt());
        assertEquals(10, r.get("n_layers").asInt());
        assertEquals(12, r.get("n_heads").asInt());
        assertEquals(2048, r.get("seq_length").asInt());
        assertEquals(111_050_496L, r.get("params").asLong());
        // Modelzoo's 9037 steps of 120 x 2048 tokens: 20 tokens per parameter.
        assertEquals(9037, r.get("optimizer_steps").asLong());
        assertEquals(9037L * 120 * 2048, r.get("tokens_total").asLong());
        JsonNode phases = r.get("batch_tokens");
        assertEquals(1, phases.size());
        assertEquals(0, phases.get(0).get("start_tokens").asLong());
        assertEquals(120 * 2048, phases.get(0).get("batch_tokens").asLong());
        assertEquals(1525.0 * 120 * 2048, r.get("warmup_tokens").asDouble());
        assertEquals(6e-4, r.get("peak_lr").asDouble());
        assertEquals(6e-5, r.get("final_lr").asDouble(), 1e-18);
        assertEquals("linear", r.get("decay").asText());
        assertEquals(1e-8, r.get("adam_eps").asDouble());
        int micro = r.get("micro_batch").asInt();
        assertEquals(120 / micro, r.get("accumulation_steps").get(0).asInt());
        assertTrue(r.get("estimated_seconds").isNull());
        assertTrue(r.get("overrides").isEmpty());
    }

    @Test
    void dryRunOf13BShowsTheBatchChangeAt84BTokens() throws Exception {
        JsonNode r = json("train", "--preset", "13B", "--dry-run", "--no-measure", "--json");
        JsonNode phases = r.get("batch_tokens");
        assertEquals(2, phases.size());
        assertEquals(720L * 2048, phases.get(0).get("batch_tokens").asLong());
        assertEquals(57_000L * 720 * 2048, phases.get(1).get("start_tokens").asLong());
        assertEquals(57_000, phases.get(1).get("start_step").asLong());
        assertEquals(1080L * 2048, phases.get(1).get("batch_tokens").asLong());
        assertEquals(57_000 + 78_223, r.get("optimizer_steps").asLong());
        assertEquals("cosine", r.get("decay").asText());
        assertEquals(1e-9, r.get("adam_eps").asDouble());
        assertEquals(254.0 * 720 * 2048, r.get("warmup_tokens").asDouble());
        // 13B needs about 208 GB for weights, gradients and moments: it cannot fit this JVM, and says so.
        assertEquals(false, r.get("memory").get("fits").asBoolean());
        assertTrue(r.get("estimate_note").asText().contains("does not fit"), r.toString());
    }

    @Test
    void overridesAreListedInTheTableToo() {
        CliRun run = CliRun.of("train", "--preset", "111M", "--warmup", "0", "--lr", "1e-3", "--dry-run",
                "--no-measure");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("overrides:") && l.contains("peak_lr 0.001")
                && l.contains("warmup_steps 0")), run.out());
        CliRun none = CliRun.of("train", "--preset", "111M", "--dry-run", "--no-measure");
        assertTrue(none.out().lines().noneMatch(l -> l.startsWith("overrides")), none.out());
    }

    /** {@code wafer models} gives the tokens the run trains, as the dry run does (the proxy's 600M round up). */
    @Test
    void modelsTokensAreTheDryRunsTotal() throws Exception {
        CliRun models = CliRun.of("models", "--json");
        assertEquals(0, models.exitCode(), models.err());
        for (JsonNode row : JSON.readTree(models.out())) {
            String name = row.get("name").asText();
            JsonNode r = json("train", "--preset", name, "--dry-run", "--no-measure", "--json");
            assertEquals(r.get("tokens_total").asLong(), row.get("tokens").asLong(), name);
        }
    }

    /** The default warm-up without a preset is 10% of --steps rounded half up, as the help says (it was floored). */
    @Test
    void defaultWarmupIsTenPercentRounded() throws Exception {
        for (long[] c : new long[][] {{19, 2}, {14, 1}, {15, 2}, {2, 1}}) {
            JsonNode r = json("train", "--steps", String.valueOf(c[0]), "--synthetic", "--dry-run", "--no-measure",
                    "--json");
            double stepTokens = r.get("warmup_tokens").asDouble() / c[1];
            assertEquals(8 * 128, stepTokens, 0, c[0] + " steps: " + r);
        }
    }

    @Test
    void overridesAreReported() throws Exception {
        JsonNode r = json("train", "--preset", "111M", "--d-model", "256", "--layers", "2", "--seq", "256",
                "--dry-run", "--no-measure", "--json");
        assertEquals(256, r.get("overrides").get("d_model").asInt());
        assertEquals(256, r.get("seq_length").asInt());
        // Table 1's batch of 245,760 tokens is kept, now as 960 sequences of 256.
        assertEquals(245_760, r.get("batch_tokens").get(0).get("batch_tokens").asLong());
        assertEquals(960, r.get("batch_tokens").get(0).get("batch_sequences").asInt());
    }

    @Test
    void aMeasuredDryRunEstimatesTheDuration() throws Exception {
        JsonNode r = json("train", "--preset", "sp-tiny-128", "--d-model", "32", "--layers", "1", "--heads", "1",
                "--vocab", "97", "--dry-run", "--json");
        assertTrue(r.get("estimated_seconds").asDouble() > 0, r.toString());
        assertEquals("cpu", r.get("backend").asText().toLowerCase(java.util.Locale.ROOT).substring(0, 3));
    }

    /**
     * A dry run says where this invocation stops and what it trains: at --stop-at, or at the first step boundary at or
     * past --max-tokens (as training stops), the 13B run across its batch change; and it estimates that part, with
     * the whole schedule's estimate beside it, in proportion to the tokens and steps of each.
     */
    @Test
    void aDryRunSaysWhereThisInvocationStopsAndEstimatesThatPart() throws Exception {
        JsonNode whole = json("train", "--preset", "111M", "--dry-run", "--no-measure", "--json");
        assertEquals(0, whole.get("start_step").asLong());
        assertEquals(9037, whole.get("stop_step").asLong());
        assertEquals(whole.get("tokens_total").asLong(), whole.get("run_tokens").asLong());
        JsonNode tokens = json("train", "--preset", "111M", "--max-tokens", "1000000", "--dry-run", "--no-measure",
                "--json");
        assertEquals(5, tokens.get("stop_step").asLong(), "4 steps of 245,760 tokens are 983,040, short of 1e6");
        assertEquals(5L * 120 * 2048, tokens.get("run_tokens").asLong());
        // 13B: 57,000 steps of 720 sequences, then 1,080; stopping 10 steps into the second phase.
        JsonNode large = json("train", "--preset", "13B", "--stop-at", "57010", "--dry-run", "--no-measure", "--json");
        assertEquals(57_000L * 720 * 2048 + 10L * 1080 * 2048, large.get("run_tokens").asLong());
        JsonNode measured = json("train", "--preset", "sp-tiny-128", "--d-model", "32", "--layers", "1", "--heads",
                "1", "--vocab", "97", "--stop-at", "3", "--dry-run", "--json");
        double part = measured.get("estimated_seconds").asDouble();
        double all = measured.get("estimated_seconds_full_run").asDouble();
        long steps = measured.get("optimizer_steps").asLong();
        assertEquals(3, measured.get("stop_step").asLong());
        // Every step of this preset has the same batch, so the part is 3 steps' share of the whole.
        assertEquals(all * 3 / steps, part, all * 1e-9, measured.toString());
        CliRun human = CliRun.of("train", "--preset", "111M", "--max-tokens", "1000000", "--dry-run", "--no-measure");
        assertTrue(human.out().contains("stop_step:") && human.out().contains("run_tokens:")
                && human.out().contains("1.2M (1228800)") && !human.out().contains("null"), human.out());
    }

    @Test
    void aLaptopPresetTrainedWithAccumulationUsesTheScheduleOfWaferSchedule() throws Exception {
        CliRun train = CliRun.of("train", "--preset", "sp-tiny-128", "--d-model", "32", "--layers", "1", "--heads",
                "1", "--vocab", "97", "--synthetic", "--micro-batch", "4", "--stop-at", "25", "--json");
        assertEquals(0, train.exitCode(), train.err());
        List<JsonNode> steps = train.out().lines().map(TrainPresetTest::parse).toList();
        assertEquals(25, steps.size());
        JsonNode schedule = json("schedule", "--preset", "sp-tiny-128", "--every", "1", "--json");
        for (JsonNode s : steps) {
            long step = s.get("step").asLong();
            JsonNode row = schedule.get((int) step - 1);
            assertEquals(step - 1, row.get("step").asLong());
            // train prints lr with 7 significant digits.
            assertEquals(row.get("lr").asDouble(), s.get("lr").asDouble(), 5e-7 * row.get("lr").asDouble() + 1e-15,
                    "step " + step);
            assertEquals(16 * 128, s.get("batch_tokens").asLong());
            assertEquals(step * 16 * 128, s.get("tokens").asLong());
        }
    }

    @Test
    void badCombinationsAreOneLine() {
        String[][] cases = {
            {"train", "--preset", "111M", "--steps", "10"},
            {"train", "--synthetic", "--batch", "4", "--batch-tokens", "512"},
            {"train", "--synthetic", "--batch", "6", "--micro-batch", "4", "--steps", "2"},
            {"train", "--preset", "13B", "--synthetic", "--stop-at", "1"},
            {"train", "--synthetic", "--precision", "fp8", "--steps", "2"},
        };
        String[] expected = {"--stop-at", "not both", "micro-batches of 4", "does not fit in memory", "--precision"};
        for (int i = 0; i < cases.length; i++) {
            CliRun run = CliRun.of(cases[i]);
            assertEquals(2, run.exitCode(), String.join(" ", cases[i]) + ": " + run.err());
            assertEquals(1, run.err().strip().lines().count(), run.err());
            assertTrue(run.err().startsWith("wafer: ") && run.err().contains(expected[i]), run.err());
        }
    }

    /** With --micro-batch 1 the refusal advised "a smaller --micro-batch", which cannot be followed. */
    @Test
    void theHeapRefusalAdvisesASmallerMicroBatchOnlyAboveOne() {
        CliRun one = CliRun.of("train", "--preset", "13B", "--synthetic", "--stop-at", "1", "--micro-batch", "1");
        assertEquals(2, one.exitCode(), one.err());
        assertTrue(one.err().contains("does not fit in memory") && one.err().strip().endsWith("; use a larger heap"
                + " (WAFER_JAVA_OPTS=-Xmx...)") && !one.err().contains("--micro-batch"), one.err());
        CliRun two = CliRun.of("train", "--preset", "13B", "--synthetic", "--stop-at", "1", "--micro-batch", "2");
        assertEquals(2, two.exitCode(), two.err());
        assertTrue(two.err().strip().endsWith("; use a smaller --micro-batch or a larger heap (WAFER_JAVA_OPTS=-Xmx...)"),
                two.err());
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (Exception e) {
            throw new AssertionError(line, e);
        }
    }
}
