package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code data prepare --tokenizer T.json} records T's SHA-256 in the manifest, and {@code audit memorization
 * --tokenizer} refuses another tokenizer.json with as many ids (it read the text with other ids and reported it
 * absent, exit 0) while accepting a copy of the same file elsewhere.
 */
class TokenizerFileHashTest {
    private static final String[] WORDS = {"the", "cat", "sat", "on", "a", "mat", "dogs", "ran"};

    @TempDir
    Path tmp;

    private static String tokenizer(boolean reversed) {
        StringBuilder vocab = new StringBuilder("\"[UNK]\": 0, \"<|endoftext|>\": 1");
        for (int i = 0; i < WORDS.length; i++) {
            vocab.append(", \"").append(WORDS[i]).append("\": ").append(reversed ? WORDS.length + 1 - i : i + 2);
        }
        return "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": [], \"normalizer\":"
                + " null, \"pre_tokenizer\": {\"type\": \"Whitespace\"}, \"post_processor\": null, \"decoder\": null,"
                + " \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"[UNK]\", \"vocab\": {" + vocab + "}}}";
    }

    private static String words(Random random, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(WORDS[random.nextInt(WORDS.length)]);
        }
        return String.join(" ", out);
    }

    private static void ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void anotherTokenizerWithAsManyIdsIsRefused() throws IOException {
        Path mine = Files.writeString(Files.createDirectories(tmp.resolve("mine")).resolve("tokenizer.json"),
                tokenizer(false));
        Path other = Files.writeString(Files.createDirectories(tmp.resolve("other")).resolve("tokenizer.json"),
                tokenizer(true));
        Path copy = Files.writeString(Files.createDirectories(tmp.resolve("copy")).resolve("tokenizer.json"),
                tokenizer(false));
        Random random = new Random(11);
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            corpus.append("{\"text\": \"").append(words(random, 40)).append("\"}\n");
        }
        Path input = Files.writeString(tmp.resolve("corpus.jsonl"), corpus);
        Path text = Files.writeString(tmp.resolve("work.txt"), words(random, 40));
        Path ds = tmp.resolve("ds");
        Path run = tmp.resolve("run");
        ok("data", "prepare", "--input", input.toString(), "--out", ds.toString(), "--seq", "16", "--tokenizer",
                mine.toString(), "--split", "1,0,0", "--quiet");
        assertTrue(Files.readString(ds.resolve("manifest.json")).contains("\"tokenizer_sha256\""));
        ok("train", "--data", ds.toString(), "--vocab", "10", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1", "--out", run.toString());
        String[] audit = {"audit", "memorization", "--checkpoint", run.toString(), "--dataset", ds.toString(),
            "--prefix", "4", "--suffix", "4", "--samples", "2", "--text", text.toString(), "--json", "--tokenizer"};
        CliRun refused = CliRun.of(concat(audit, other.toString()));
        assertEquals(2, refused.exitCode(), refused.err());
        String line = refused.err().strip();
        assertTrue(line.startsWith("wafer: --tokenizer " + other + " (SHA-256 ") && line.contains(
                "is not the tokenizer.json --dataset " + ds + " was prepared with (hf:tokenizer.json, SHA-256 ")
                && line.lines().count() == 1, line);
        CliRun same = CliRun.of(concat(audit, copy.toString()));
        assertEquals(0, same.exitCode(), same.err());
    }

    /**
     * eval --data and audit compared the two datasets' tokenizers by name (hf:FILE): a byte-identical copy under
     * another name was refused and another tokenizer.json was scored, exit 0. Now by SHA-256.
     */
    @Test
    void evalComparesTokenizerFilesByHashNotName() throws IOException {
        Path mine = Files.writeString(Files.createDirectories(tmp.resolve("A")).resolve("tokenizer.json"),
                tokenizer(false));
        Path renamed = Files.writeString(tmp.resolve("same-as-A.json"), tokenizer(false));
        Path other = Files.writeString(Files.createDirectories(tmp.resolve("B")).resolve("tokenizer.json"),
                tokenizer(true));
        Random random = new Random(5);
        StringBuilder corpus = new StringBuilder();
        for (int i = 0; i < 80; i++) {
            corpus.append("{\"text\": \"").append(words(random, 40)).append("\"}\n");
        }
        Path input = Files.writeString(tmp.resolve("corpus.jsonl"), corpus);
        Path run = tmp.resolve("run");
        Path[] ds = new Path[3];
        Path[] toks = {mine, renamed, other};
        for (int i = 0; i < 3; i++) {
            ds[i] = tmp.resolve("ds" + i);
            ok("data", "prepare", "--input", input.toString(), "--out", ds[i].toString(), "--seq", "16",
                    "--tokenizer", toks[i].toString(), "--quiet");
        }
        ok("train", "--data", ds[0].toString(), "--vocab", "10", "--d-model", "32", "--layers", "1", "--heads", "2",
                "--seq", "16", "--batch", "2", "--steps", "1", "--out", run.toString());
        CliRun same = CliRun.of("eval", "--checkpoint", run.toString(), "--data", ds[1].toString());
        assertEquals(0, same.exitCode(), same.err());
        CliRun refused = CliRun.of("eval", "--checkpoint", run.toString(), "--data", ds[2].toString());
        assertEquals(2, refused.exitCode(), refused.err());
        String line = refused.err().strip();
        assertTrue(line.startsWith("wafer: --checkpoint ") && line.contains("but --data " + ds[2] + " was tokenized"
                + " with hf:tokenizer.json (SHA-256 ") && line.lines().count() == 1, line);
        CliRun audit = CliRun.of("audit", "memorization", "--checkpoint", run.toString(), "--dataset",
                ds[2].toString(), "--prefix", "4", "--suffix", "4", "--samples", "2");
        assertEquals(2, audit.exitCode(), audit.err());
        assertTrue(audit.err().contains("but --dataset " + ds[2] + " was tokenized"), audit.err());
    }

    private static String[] concat(String[] a, String b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + 1);
        all[a.length] = b;
        return all;
    }
}
