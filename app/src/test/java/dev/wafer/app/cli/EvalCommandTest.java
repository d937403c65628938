package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code wafer eval} on models trained by {@code wafer train}: test-set loss and downstream tasks. */
class EvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 99L;

    @TempDir
    static Path tmp;
    static Path tokens;
    static Path trained;
    static Path untrained;

    @BeforeAll
    static void train() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        ByteBuffer buf = ByteBuffer.allocate(2 * 20_000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 20_000; i++) {
            buf.putShort((short) ((i * 5 + r.nextInt(2)) % 256));
        }
        tokens = tmp.resolve("tokens.bin");
        Files.write(tokens, buf.array());
        trained = tmp.resolve("trained");
        untrained = tmp.resolve("untrained");
        String[] model = {"--data", tokens.toString(), "--vocab", "256", "--d-model", "32", "--layers", "1",
            "--heads", "2", "--seq", "16", "--batch", "4", "--json", "--seed", "3"};
        assertEquals(0, CliRun.of(concat(new String[] {"train", "--steps", "60", "--lr", "1e-2", "--out",
            trained.toString()}, model)).exitCode());
        assertEquals(0, CliRun.of(concat(new String[] {"train", "--steps", "2", "--lr", "1e-9", "--out",
            untrained.toString()}, model)).exitCode());
    }

    @Test
    void testSetLossFallsWithTrainingAndReportsTokens() throws Exception {
        JsonNode before = json("eval", "--checkpoint", untrained.toString(), "--data", tokens.toString(), "--json");
        JsonNode after = json("eval", "--checkpoint", trained.toString(), "--data", tokens.toString(), "--json");
        // Packed windows of 16 targets over 20000 tokens: 1249 full windows.
        assertEquals(1249 * 16, after.get("tokens").asLong());
        assertEquals(1249, after.get("windows").asLong());
        assertEquals(Math.log(256), before.get("loss_nats_per_token").asDouble(), 0.1, "seed " + SEED);
        assertTrue(after.get("loss_nats_per_token").asDouble() < Math.log(256) - 1,
                "seed " + SEED + ": " + after);
        JsonNode limited = json("eval", "--checkpoint", trained.resolve("checkpoint.wafer").toString(), "--data",
                tokens.toString(), "--max-windows", "3", "--seq", "8", "--gpt2-tokens", "12", "--json");
        assertEquals(24, limited.get("tokens").asLong());
        // --gpt2-tokens counts the whole file (19999 targets); 24 are scored, so N is scaled to them (it used to be
        // loss x 24 / 12, as if the 12 GPT-2 tokens were the scored part's).
        assertEquals(12.0 * 24 / 19_999, limited.get("gpt2_tokens_scored").asDouble(), 1e-12);
        assertEquals(limited.get("loss_nats_per_token").asDouble() * 19_999 / 12,
                limited.get("loss_gpt2_equivalent").asDouble(), 1e-9);
        CliRun table = CliRun.of("eval", "--checkpoint", trained.toString(), "--data", tokens.toString(),
                "--max-windows", "2");
        assertTrue(table.out().startsWith("test loss "), table.out());
    }

    @Test
    void downstreamTasksReportAccAndAccNorm() throws Exception {
        Path gpt2 = tmp.resolve("gpt2-vocab");
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "64", "--batch", "1", "--steps", "2", "--out", gpt2.toString(), "--json").exitCode());
        JsonNode r = json("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--shots", "1", "--json");
        assertEquals(4, r.get("tasks").size());
        for (JsonNode t : r.get("tasks")) {
            double acc = t.get("acc").asDouble();
            assertTrue(acc >= 0 && acc <= 1, t.toString());
            assertEquals(1, t.get("shots").asInt());
        }
        assertTrue(r.get("tasks").get(0).has("acc_norm"));
        assertTrue(r.get("tasks").get(3).has("ppl"));
        assertTrue(r.get("average").has("acc") && r.get("average").has("acc_norm"), r.toString());
        CliRun table = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin");
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("acc_norm") && table.out().contains("average"), table.out());
        // A vocabulary-256 model cannot read GPT-2 task text: one line naming the problem.
        CliRun bad = CliRun.of("eval", "--checkpoint", trained.toString(), "--tasks", "builtin");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("outside the model's vocabulary of 256"), bad.err());
    }

    /**
     * Each context run once (the CPU backend's default), one row per request, and one request per pass give the same
     * accuracies and perplexities to float32 rounding; the output says which method ran and how many positions went
     * through the layers (fewest with shared contexts, most with one full window per request); what cannot be
     * honoured is refused in one line.
     */
    @Test
    void sharedContextsScoreAsOneRowPerRequest() throws Exception {
        Path gpt2 = tmp.resolve("gpt2-vocab-shared");
        assertEquals(0, CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "64", "--batch", "1", "--steps", "2", "--out", gpt2.toString(), "--json").exitCode());
        JsonNode shared = json("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--json");
        JsonNode rows = json("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--share-contexts", "off",
                "--json");
        JsonNode one = json("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--batch-tokens", "0",
                "--json");
        assertEquals("shared-contexts", shared.get("scoring").get("method").asText(), shared.toString());
        assertEquals("batched", rows.get("scoring").get("method").asText(), rows.toString());
        assertEquals("unbatched", one.get("scoring").get("method").asText(), one.toString());
        long positions = shared.get("scoring").get("layer_positions").asLong();
        long rowPositions = rows.get("scoring").get("layer_positions").asLong();
        long windowPositions = one.get("scoring").get("layer_positions").asLong();
        assertTrue(positions > 0 && positions < rowPositions && rowPositions < windowPositions,
                positions + " shared, " + rowPositions + " batched, " + windowPositions + " unbatched");
        for (int i = 0; i < shared.get("tasks").size(); i++) {
            JsonNode a = shared.get("tasks").get(i);
            for (JsonNode b : new JsonNode[] {rows.get("tasks").get(i), one.get("tasks").get(i)}) {
                for (String metric : new String[] {"acc", "acc_norm", "ppl"}) {
                    if (a.has(metric)) {
                        assertEquals(b.get(metric).asDouble(), a.get(metric).asDouble(),
                                1e-5 * Math.max(1, Math.abs(b.get(metric).asDouble())), metric + ": " + a + " vs " + b);
                    }
                }
            }
        }
        CliRun table = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin");
        assertTrue(table.out().contains("scoring: shared-contexts, " + positions + " positions through the layers"),
                table.out());
        CliRun refused = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--share-contexts",
                "on", "--batch-tokens", "0");
        assertEquals(2, refused.exitCode());
        assertTrue(refused.err().startsWith("wafer: --share-contexts on needs batches"), refused.err());
        CliRun noTasks = CliRun.of("eval", "--checkpoint", trained.toString(), "--data", tokens.toString(),
                "--share-contexts", "off");
        assertEquals(2, noTasks.exitCode());
        assertTrue(noTasks.err().contains("--share-contexts goes with tasks"), noTasks.err());
    }

    @Test
    void badInputIsOneLine() {
        CliRun run = CliRun.of("eval", "--checkpoint", trained.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: give --data"), run.err());
        run = CliRun.of("eval", "--checkpoint", tokens.toString(), "--data", tokens.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("not a Wafer checkpoint") || run.err().contains("magic"), run.err());
    }

    private static JsonNode json(String... args) throws Exception {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
        return JSON.readTree(run.out());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
