package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code wafer eval} refuses before scoring, in one line with exit code 2: files it would damage, datasets that
 * do not match their manifest, budgets no tensor holds, flags that would be ignored, tasks given twice.
 */
class EvalRefusalsTest {
    @TempDir
    static Path tmp;
    static Path gpt2;
    static Path smallVocab;
    static Path dataset;

    @BeforeAll
    static void models() {
        gpt2 = tmp.resolve("gpt2");
        smallVocab = tmp.resolve("v1000");
        dataset = tmp.resolve("ds");
        String[] shape = {"--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "32", "--batch", "2",
            "--steps", "1", "--seed", "5"};
        ok(concat(new String[] {"train", "--synthetic", "--out", gpt2.toString()}, shape));
        ok(concat(new String[] {"train", "--synthetic", "--vocab", "1000", "--out", smallVocab.toString()}, shape));
        ok("data", "prepare", "--out", dataset.toString(), "--seq", "32", "--split", "0.8,0.1,0.1", "--quiet");
    }

    /**
     * An existing --write-requests file is refused unless --overwrite, and a failing evaluation leaves it as it was
     * (it used to be truncated to 0 bytes first); a missing folder names the flag and the reason.
     */
    @Test
    void writeRequestsNeverLosesAFile() throws Exception {
        Path file = Files.writeString(tmp.resolve("requests.jsonl"), "keep\n");
        CliRun exists = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--write-requests",
                file.toString());
        assertRefused(exists, "--write-requests " + file + " already exists; choose another file, or pass --overwrite");
        CliRun fails = CliRun.of("eval", "--checkpoint", smallVocab.toString(), "--tasks", "builtin",
                "--write-requests", file.toString(), "--overwrite");
        assertRefused(fails, "outside the model's vocabulary of 1000");
        assertEquals("keep\n", Files.readString(file));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
        }
        Path missing = tmp.resolve("nodir").resolve("x.jsonl");
        assertRefused(CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--write-requests",
                missing.toString()), "--write-requests " + missing + ": cannot write: the folder " + missing.getParent()
                + " does not exist");
        CliRun replaced = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--write-requests",
                file.toString(), "--overwrite", "--json");
        assertEquals(0, replaced.exitCode(), replaced.err());
        assertEquals(50, Files.readAllLines(file).size());
        assertRefused(CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--overwrite"),
                "--overwrite goes with --write-requests");
    }

    /** --data DIR is checked against its manifest, as train and data stats check it (it was scored with exit 0). */
    @Test
    void aDatasetThatDoesNotMatchItsManifestIsRefused() throws Exception {
        Path garbage = copy(dataset, tmp.resolve("garbage"));
        Files.writeString(garbage.resolve("manifest.json"), "garbage");
        assertRefused(CliRun.of("eval", "--checkpoint", gpt2.toString(), "--data", garbage.toString()),
                "manifest.json");
        Path other = tmp.resolve("other");
        ok("data", "prepare", "--out", other.toString(), "--seq", "32", "--split", "0.6,0.1,0.3", "--quiet");
        Path mixed = copy(dataset, tmp.resolve("mixed"));
        Files.copy(other.resolve("test-00000.bin"), mixed.resolve("test-00000.bin"), StandardCopyOption.REPLACE_EXISTING);
        assertRefused(CliRun.of("eval", "--checkpoint", gpt2.toString(), "--data", mixed.toString()),
                mixed.resolve("test-00000.bin").toString());
        assertEquals(0, CliRun.of("eval", "--checkpoint", gpt2.toString(), "--data", dataset.toString(),
                "--max-windows", "2").exitCode());
    }

    /** A budget past one tensor is refused with the limit (it was an internal error from the allocator). */
    @Test
    void aBatchTokensPastOneTensorIsRefusedWithTheLimit() {
        CliRun shared = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--batch-tokens",
                "100000000");
        assertRefused(shared, "--batch-tokens 100000000 is too large for this model");
        assertTrue(shared.err().contains("the most is 16777184"), shared.err());
        CliRun batched = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "--batch-tokens",
                "100000000", "--share-contexts", "off");
        assertRefused(batched, "the most is 42720"); // the logits of rows x window x 50257
    }

    /** Flags the run would not use are refused by name (they were ignored without a word). */
    @Test
    void flagsTheRunWouldIgnoreAreRefused() {
        String ckpt = gpt2.toString();
        Path lambada = Path.of("..", "formats", "src", "test", "resources", "harness", "lambada_test.jsonl");
        assertRefused(CliRun.of("eval", "--checkpoint", ckpt, "--data", dataset.toString(), "--shots", "5"),
                "--shots goes with tasks");
        assertRefused(CliRun.of("eval", "--checkpoint", ckpt, "--data", dataset.toString(), "--batch-tokens", "7"),
                "--batch-tokens goes with tasks");
        assertRefused(CliRun.of("eval", "--checkpoint", ckpt, "--tasks", "builtin", "--max-windows", "1"),
                "--max-windows goes with the test-set loss");
        assertRefused(CliRun.of("eval", "--checkpoint", ckpt, "--task", "lambada_openai", "--data", lambada.toString(),
                "--gpt2-tokens", "5"), "--gpt2-tokens goes with the test-set loss");
        assertRefused(CliRun.of("eval", "--checkpoint", ckpt, "--task", "lambada_openai", "--data", lambada.toString(),
                "--max-windows", "1"), "(with --task, --data is the task's file)");
        // Zero-shot draws no examples (until 2026-12-07 the file was accepted and never read).
        assertRefused(CliRun.of("eval", "--checkpoint", ckpt, "--task", "lambada_openai", "--data", lambada.toString(),
                "--fewshot-data", lambada.toString()), "--fewshot-data " + lambada + " goes with --shots K above 0;"
                + " --shots is 0 (the default), which draws no examples");
        assertRefused(CliRun.of("eval", "--checkpoint", ckpt, "--task", "lambada_openai", "--data", lambada.toString(),
                "--fewshot-data", lambada.toString(), "--shots", "0"), "goes with --shots K above 0; --shots is 0,");
    }

    /**
     * A task file given twice is refused (its tasks were listed and averaged twice); a task's training lines in a
     * second file join its documents, as in a directory.
     */
    @Test
    void tasksGivenTwiceAreRefusedAndSiblingFilesGroup() throws Exception {
        Path docs = Files.writeString(tmp.resolve("t.jsonl"), """
                {"task": "t", "type": "lambada", "text": "the cat sat on the mat"}
                {"task": "t", "type": "lambada", "text": "a dog ran in the park"}
                """);
        Path train = Files.writeString(tmp.resolve("t.train.jsonl"), """
                {"task": "t", "type": "lambada", "text": "one bird flew over the sea", "train": true}
                """);
        assertRefused(CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", docs.toString(), docs.toString()),
                "t.jsonl is given twice");
        assertRefused(CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", "builtin", "builtin"),
                "builtin is given twice");
        CliRun grouped = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", docs.toString(),
                train.toString(), "--shots", "1", "--json");
        assertEquals(0, grouped.exitCode(), grouped.err());
        assertTrue(grouped.out().contains("\"task\":\"t\"") && grouped.out().contains("\"shots\":1"), grouped.out());
    }

    /**
     * A continuation longer than the window (the harness asserts it fits) is one line naming the file, line and
     * window; it was an internal error.
     */
    @Test
    void aContinuationLongerThanTheWindowNamesTheFileAndLine() throws Exception {
        String words = String.join(" ", java.util.Collections.nCopies(40, "word"));
        Path longer = Files.writeString(tmp.resolve("longc.jsonl"), "{\"task\":\"ok\",\"type\":\"lambada\","
                + "\"text\":\"a b\"}\n\n{\"task\":\"longc\",\"type\":\"multiple_choice\",\"context\":\"Q: x?\\nA:\","
                + "\"choices\":[\"" + words + "\",\"no\"],\"gold\":1}\n");
        assertRefused(CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", longer.toString()),
                longer + ":3 (task longc, request 1 of the document): its continuation is 40 tokens, longer than the"
                        + " 32-token window");
        Path toy = tmp.resolve("toy-qa.jsonl");
        try (java.io.InputStream in = EvalRefusalsTest.class.getResourceAsStream("/tasks/toy-qa.jsonl")) {
            Files.copy(in, toy);
        }
        CliRun shortWindow = CliRun.of("eval", "--checkpoint", gpt2.toString(), "--tasks", toy.toString(), "--seq",
                "4");
        assertRefused(shortWindow, "toy-qa.jsonl:");
        assertTrue(shortWindow.err().contains("-token window") && shortWindow.err().contains("larger --seq (the model"
                + " holds 32)"), shortWindow.err());
    }

    /** --gpt2-tokens' help says what the code does: N is scaled to the scored part (it said loss x tokens / N). */
    @Test
    void gpt2TokensHelpSaysNIsScaledToTheScoredPart() {
        CliRun help = CliRun.of("eval", "--help");
        String text = help.out().replaceAll("\\s+", " ");
        assertTrue(text.contains("gpt2_tokens_scored = N x scored targets / the text's targets"), text);
        assertFalse(text.contains("loss x tokens / N"), text);
    }

    private static void assertRefused(CliRun run, String expected) {
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(1, run.err().lines().filter(l -> l.startsWith("wafer:")).count(), run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertFalse(run.err().contains("internal error"), run.err());
    }

    private static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    private static void ok(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
