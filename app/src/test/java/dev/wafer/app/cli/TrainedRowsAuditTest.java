package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * {@code wafer audit memorization} samples the rows a checkpoint was trained on: checked end to end against the
 * counts a run of known steps must have drawn (under one epoch every row drawn is new; over one epoch every row is
 * drawn once per whole epoch and the first rows of the next once more), for a stopped and resumed run, against the
 * whole split under {@code --rows all}, with copies of texts in the train split, and with one-line refusals.
 * (That the replayed rows are exactly the rows the trainer fed is {@code TrainedRowsReplayTest}, in the domain.)
 */
class TrainedRowsAuditTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 2412L;
    private static final String[] TINY = {"--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "32",
        "--vocab", "257", "--batch", "8", "--lr", "1e-3", "--warmup", "0", "--seed", "5", "--json"};

    @TempDir
    static Path dir;
    static Path dataset;
    static long rows;
    static List<String> texts = new ArrayList<>();

    @BeforeAll
    static void prepare() throws IOException {
        SplittableRandom random = new SplittableRandom(SEED);
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 60; d++) {
            StringBuilder text = new StringBuilder();
            while (text.length() < 90) {
                text.append(text.length() == 0 ? "" : " ");
                for (int i = 2 + random.nextInt(6); i > 0; i--) {
                    text.append((char) ('a' + random.nextInt(26)));
                }
            }
            texts.add(text.toString());
            jsonl.append(JSON.createObjectNode().put("text", text.toString())).append('\n');
        }
        Path input = dir.resolve("docs.jsonl");
        Files.writeString(input, jsonl, StandardCharsets.UTF_8);
        dataset = dir.resolve("dataset");
        MemorizedModel.run("data", "prepare", "--input", input.toString(), "--out", dataset.toString(), "--seq-len",
                "32", "--tokenizer", "bytes", "--split", "1,0,0", "--quiet");
        rows = JSON.readTree(Files.readString(dataset.resolve("manifest.json"))).path("splits").path("train")
                .path("sequences").asLong();
        assertTrue(rows > 100 && rows < 240, "rows " + rows + ", seed " + SEED);
    }

    private static Path train(String name, String... more) {
        Path out = dir.resolve(name);
        List<String> args = new ArrayList<>(List.of("train", "--data", dataset.toString(), "--out", out.toString()));
        args.addAll(List.of(TINY));
        args.addAll(List.of(more));
        MemorizedModel.run(args.toArray(new String[0]));
        return out;
    }

    private static JsonNode audit(Path checkpoint, String... more) throws IOException {
        List<String> args = new ArrayList<>(List.of("audit", "memorization", "--checkpoint", checkpoint.toString(),
                "--dataset", dataset.toString(), "--prefix", "8", "--suffix", "8", "--samples", "1000", "--json"));
        args.addAll(List.of(more));
        return JSON.readTree(MemorizedModel.run(args.toArray(new String[0])));
    }

    private static TreeMap<Long, Integer> timesSeen(JsonNode r) {
        TreeMap<Long, Integer> m = new TreeMap<>();
        r.path("by_times_seen").forEach(s -> m.put(s.path("times_seen").asLong(), s.path("samples").asInt()));
        return m;
    }

    @Test
    void partOfAnEpochSamplesOnlyTheRowsDrawnEachSeenOnce() throws IOException {
        JsonNode r = audit(train("five-steps", "--steps", "5"));
        String why = "seed " + SEED + ": " + r;
        assertEquals("trained", r.path("rows").asText(), why);
        assertEquals(40, r.path("data_position").asLong(), why);
        assertEquals(40, r.path("candidates").asLong(), "5 steps of 8 rows, all new: " + why);
        assertEquals(40, r.path("rows_trained").asLong(), why);
        assertEquals(40, r.path("samples").asInt(), "every candidate, fewer than --samples: " + why);
        assertEquals(rows - 1, r.path("rows_per_epoch").asLong(), why);
        assertEquals(40.0 / (rows - 1), r.path("epochs_seen").asDouble(), 1e-12, why);
        assertEquals(new TreeMap<>(java.util.Map.of(1L, 40)), timesSeen(r), why);

        JsonNode all = audit(train("five-steps-again", "--steps", "5"), "--rows", "all");
        assertEquals("all", all.path("rows").asText());
        assertEquals(rows - 1, all.path("candidates").asLong(), "every row but the last: " + all);
        assertEquals(new TreeMap<>(java.util.Map.of(0L, (int) rows - 41, 1L, 40)), timesSeen(all), all.toString());
    }

    @Test
    void moreThanOneEpochCountsEachRowOncePerEpoch() throws IOException {
        int steps = 30;
        long drawn = 8L * steps;
        long perEpoch = rows - 1;
        assertTrue(drawn > perEpoch && drawn < 2 * perEpoch, "between one and two epochs");
        JsonNode r = audit(train("thirty-steps", "--steps", "" + steps));
        String why = "seed " + SEED + ": " + r;
        assertEquals(perEpoch, r.path("candidates").asLong(), why);
        assertEquals(drawn, r.path("data_position").asLong(), why);
        int twice = (int) (drawn - perEpoch);
        assertEquals(new TreeMap<>(java.util.Map.of(1L, (int) perEpoch - twice, 2L, twice)), timesSeen(r), why);
    }

    @Test
    void aResumedRunSamplesTheRowsOfTheWholeRun() throws IOException {
        Path run = train("resumed", "--steps", "10", "--stop-at", "4");
        assertEquals(32, audit(run).path("candidates").asLong(), "4 steps so far");
        MemorizedModel.run("train", "--resume", run.toString(), "--out", run.toString(), "--json");
        JsonNode r = audit(run);
        assertEquals(80, r.path("candidates").asLong(), "10 steps of 8 rows: " + r);
        JsonNode straight = audit(train("straight", "--steps", "10"));
        assertEquals(straight.path("by_times_seen"), r.path("by_times_seen"));
        assertEquals(straight.path("memorized"), r.path("memorized"), "the same rows, the same model (exact resume)");
        assertEquals(straight.path("token_match_rate"), r.path("token_match_rate"));
    }

    @Test
    void continuationsAreCountedInTheTrainSplitAndTextsSayWhetherTheyAreInIt() throws IOException {
        Path text = dir.resolve("in-train.txt");
        Files.writeString(text, texts.get(3), StandardCharsets.UTF_8);
        Path other = dir.resolve("unrelated.txt");
        Files.writeString(other, "An Unrelated Text Of My Own, With Capitals Never Used In The Corpus.",
                StandardCharsets.UTF_8);
        JsonNode r = audit(train("texts", "--steps", "5"), "--text", text.toString(), "--text", other.toString());
        String why = "seed " + SEED + ": " + r;
        int total = 0;
        List<String> buckets = new ArrayList<>();
        for (JsonNode b : r.path("by_duplication")) {
            buckets.add(b.path("bucket").asText());
            total += b.path("samples").asInt();
        }
        assertEquals(List.of("1", "2-9", "10-99", "100+"), buckets, "a training row's continuation is in train: "
                + why);
        assertEquals(r.path("samples").asInt(), total, why);
        JsonNode in = r.path("texts").get(0);
        assertEquals(in.path("samples").asInt(), in.path("windows_in_train").asInt(), "every window of a training"
                + " document is in train: " + in);
        assertTrue(in.path("copies").asLong() >= in.path("samples").asLong(), in.toString());
        JsonNode out = r.path("texts").get(1);
        assertEquals(0, out.path("windows_in_train").asInt(), out.toString());
        assertEquals(0, out.path("copies").asLong(), out.toString());
        assertEquals("0", out.path("by_duplication").get(0).path("bucket").asText(), out.toString());
        assertEquals(out.path("samples").asInt(), out.path("by_duplication").get(0).path("samples").asInt());
        assertEquals(0.0, out.path("memorized_fraction").asDouble(), out.toString());

        String table = MemorizedModel.run("audit", "memorization", "--checkpoint", dir.resolve("texts").toString(),
                "--dataset", dataset.toString(), "--prefix", "8", "--suffix", "8", "--text", other.toString());
        assertTrue(table.contains("packed sequences the checkpoint was trained on"), table);
        assertTrue(table.contains("By copies of the 8-token continuation in the train split:"), table);
        assertTrue(table.contains("in train"), table);
    }

    @Test
    void anOrderThatCannotBeRebuiltIsRefusedNamingBoth() throws IOException {
        Path run = train("refusals", "--steps", "2");
        String ds = dataset.toString();
        Path longer = dir.resolve("dataset-64");
        MemorizedModel.run("data", "prepare", "--input", dir.resolve("docs.jsonl").toString(), "--out",
                longer.toString(), "--seq-len", "64", "--tokenizer", "bytes", "--split", "1,0,0", "--quiet");
        expectError("was trained on " + ds + " (manifest fingerprint ", run, longer);
        expectError(", seq-len 32) but --dataset " + longer + " is other data (fingerprint ", run, longer);
        expectError(", seq-len 64): its training order cannot be reconstructed on this dataset; pass --rows all",
                run, longer);
        assertEquals("all", JSON.readTree(MemorizedModel.run("audit", "memorization", "--checkpoint", run.toString(),
                "--dataset", longer.toString(), "--prefix", "8", "--suffix", "8", "--rows", "all", "--json"))
                .path("rows").asText(), "--rows all still audits it");

        Path synthetic = dir.resolve("synthetic");
        List<String> args = new ArrayList<>(List.of("train", "--synthetic", "--steps", "1", "--out",
                synthetic.toString()));
        args.addAll(List.of(TINY));
        MemorizedModel.run(args.toArray(new String[0]));
        expectError("was trained on synthetic tokens, not on --dataset " + ds, synthetic, dataset);

        Path shortSeq = dir.resolve("seq16");
        MemorizedModel.run("train", "--data", ds, "--out", shortSeq.toString(), "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "16", "--vocab", "257", "--batch", "8", "--steps", "1", "--json");
        expectError("--prefix + --suffix = 17 tokens but --checkpoint " + shortSeq.resolve("checkpoint.wafer")
                + " was trained on the first 16 tokens of each row", shortSeq, dataset, "--suffix", "9");

        expectError("--rows trained: only the train split is trained on; --split val takes --rows all", run, dataset,
                "--rows", "trained", "--split", "val");
        expectError("--rows some: expected trained or all", run, dataset, "--rows", "some");
    }

    private static void expectError(String message, Path checkpoint, Path data, String... more) {
        List<String> args = new ArrayList<>(List.of("audit", "memorization", "--checkpoint", checkpoint.toString(),
                "--dataset", data.toString(), "--prefix", "8"));
        if (!List.of(more).contains("--suffix")) {
            args.addAll(List.of("--suffix", "8"));
        }
        args.addAll(List.of(more));
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(WaferCommand.USAGE_ERROR, r.exitCode(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().contains(message), "expected '" + message + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }
}
