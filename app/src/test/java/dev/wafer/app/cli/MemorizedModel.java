package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A tiny model trained until it overfits a handful of documents, for memorization-audit tests: twelve seeded
 * documents of ten random lowercase words from two sources, prepared with the byte tokenizer into rows of 32 (about
 * half of them held out in the validation split by content hash), a 2-layer model of width 64 trained for 250 steps
 * of 8 rows (a few hundred passes over the training half), and the same shape trained for one step at a negligible
 * rate (untrained).
 *
 * @param dataset   the prepared dataset
 * @param trained   checkpoint of the overfit model
 * @param untrained checkpoint of the model after one step at a negligible learning rate
 * @param texts     the documents' texts, in input order (line i + 1 of the input)
 * @param seed      seed of the documents, to print on failure
 */
public record MemorizedModel(Path dataset, Path trained, Path untrained, List<String> texts, long seed) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Shape and schedule shared by both checkpoints. */
    private static final String[] SHAPE = {"--d-model", "64", "--layers", "2", "--heads", "4", "--seq", "32",
        "--vocab", "257", "--batch", "8", "--seed", "1"};

    /** Prepares and trains under {@code dir}. */
    public static MemorizedModel build(Path dir, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> texts = new ArrayList<>();
        StringBuilder jsonl = new StringBuilder();
        for (int d = 0; d < 12; d++) {
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 10; w++) {
                if (w > 0) {
                    text.append(' ');
                }
                int letters = 2 + random.nextInt(6);
                for (int i = 0; i < letters; i++) {
                    text.append((char) ('a' + random.nextInt(26)));
                }
            }
            texts.add(text.toString());
            var line = JSON.createObjectNode().put("text", text.toString());
            line.putObject("meta").put("pile_set_name", d % 2 == 0 ? "Even" : "Odd");
            jsonl.append(line).append('\n');
        }
        Path input = dir.resolve("docs.jsonl");
        Files.writeString(input, jsonl, StandardCharsets.UTF_8);
        Path dataset = dir.resolve("dataset");
        run("data", "prepare", "--input", input.toString(), "--out", dataset.toString(), "--seq-len", "32",
                "--tokenizer", "bytes", "--split", "0.5,0.5,0", "--quiet");
        Path trained = dir.resolve("trained");
        run(concat(new String[] {"train", "--data", dataset.toString(), "--steps", "250", "--lr", "5e-3", "--warmup", "10", "--out",
            trained.toString(), "--json"}, SHAPE));
        Path untrained = dir.resolve("untrained");
        run(concat(new String[] {"train", "--data", dataset.toString(), "--steps", "1", "--lr", "1e-12", "--warmup", "0", "--out",
            untrained.toString(), "--json"}, SHAPE));
        return new MemorizedModel(dataset, trained, untrained, List.copyOf(texts), seed);
    }

    /** {@code documents.jsonl} of the dataset, one object per document. */
    public List<JsonNode> documents() throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String line : Files.readAllLines(dataset.resolve("documents.jsonl"))) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    /** Runs {@code wafer args...} in-process and returns stdout; fails the test on a non-zero exit. */
    public static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(0, code, String.join(" ", args) + ": " + err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** {@code wafer audit memorization} with {@code --json} on this dataset, parsed. */
    public JsonNode audit(Path checkpoint, String... more) throws IOException {
        String[] args = concat(new String[] {"audit", "memorization", "--checkpoint", checkpoint.toString(),
            "--dataset", dataset.toString(), "--prefix", "8", "--suffix", "8", "--json"}, more);
        return JSON.readTree(run(args));
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
