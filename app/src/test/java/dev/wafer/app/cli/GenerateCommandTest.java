package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


/**
 * {@code wafer generate} on a model trained by {@code wafer train}. The KV cache against the full forward pass is a
 * backend-suite check ({@code dev.wafer.suite.CachedDecodingContract}) that every backend runs.
 */
class GenerateCommandTest {
    @TempDir
    static Path tmp;
    static Path model;

    @BeforeAll
    static void train() {
        model = tmp.resolve("model");
        CliRun run = CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "32",
                "--batch", "2", "--steps", "3", "--out", model.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void streamsTextAndIsReproducibleForASeed() {
        String[] args = {"generate", "--checkpoint", model.toString(), "--prompt", "The quick brown fox",
            "--max-tokens", "12", "--temperature", "0.9", "--top-k", "50", "--top-p", "0.95", "--seed", "5"};
        CliRun a = CliRun.of(args);
        assertEquals(0, a.exitCode(), a.err());
        assertTrue(a.err().contains("stopped: max-tokens"), a.err());
        assertTrue(a.err().contains("[12 tokens"), a.err());
        assertEquals(a.out(), CliRun.of(args).out());
        args[args.length - 1] = "6";
        assertNotEquals(a.out(), CliRun.of(args).out(), "another seed should sample another text");
        CliRun greedy = CliRun.of("generate", "--checkpoint", model.resolve("checkpoint.wafer").toString(),
                "--prompt", "Hello", "--temperature", "0", "--max-tokens", "4");
        assertEquals(0, greedy.exitCode(), greedy.err());
    }

    /**
     * A model without GPT-2's vocabulary is refused up front, saying why (an empty prompt was said to hold token
     * 50256 outside it; a 257-token byte model could never generate and was not told why); a huge --max-tokens
     * stops when the context is full instead of running out of memory.
     */
    @Test
    void aModelWithoutGpt2sVocabularyIsRefusedAndTheContextCapsTheOutput() {
        Path small = tmp.resolve("v1000");
        assertEquals(0, CliRun.of("train", "--synthetic", "--vocab", "1000", "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "32", "--batch", "2", "--steps", "1", "--out", small.toString()).exitCode());
        CliRun run = CliRun.of("generate", "--checkpoint", small.toString(), "--prompt", "");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("has a vocabulary of 1000 tokens; generate reads and writes text with the GPT-2"
                + " tokenizer and needs a GPT-2-vocabulary model"), run.err());
        CliRun huge = CliRun.of("generate", "--checkpoint", model.toString(), "--prompt", "Hello", "--max-tokens",
                "2147483647", "--temperature", "0");
        assertEquals(0, huge.exitCode(), huge.err());
        assertTrue(huge.err().contains("stopped: context-full") || huge.err().contains("stopped: end-of-text"),
                huge.err());
    }

    /**
     * A model with GPT-2's padded vocabulary (50,304) never emits the 47 ids the tokenizer cannot decode (seed 20
     * picked id 50272 and ended in an internal error).
     */
    @Test
    void aPaddedVocabularyNeverEmitsIdsTheTokenizerCannotDecode() {
        Path padded = tmp.resolve("v50304");
        assertEquals(0, CliRun.of("train", "--synthetic", "--vocab", "50304", "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "32", "--batch", "4", "--steps", "1", "--out", padded.toString()).exitCode());
        for (int seed = 17; seed <= 24; seed++) {
            CliRun run = CliRun.of("generate", "--checkpoint", padded.toString(), "--prompt", "hi", "--max-tokens", "31",
                    "--seed", Integer.toString(seed));
            assertEquals(0, run.exitCode(), "seed " + seed + ": " + run.err());
        }
    }

    @Test
    void badInputIsOneLine() {
        CliRun run = CliRun.of("generate", "--checkpoint", tmp.resolve("missing").toString(), "--prompt", "x");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --checkpoint") && run.err().contains("no checkpoint"), run.err());
        run = CliRun.of("generate", "--checkpoint", model.toString(), "--prompt", "x", "--top-p", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("top-p"), run.err());
    }

    /** The sampling flags' refusals name the flag, as --max-tokens' does (they said "temperature must be ..."). */
    @Test
    void samplingRefusalsNameTheFlag() {
        String[][] cases = {
            {"--temperature", "-1", "--temperature must be a finite number >= 0 (0 is greedy), found -1.0"},
            {"--temperature", "NaN", "--temperature must be a finite number >= 0 (0 is greedy), found NaN"},
            {"--top-k", "-1", "--top-k must be >= 0 (0 keeps all), found -1"},
            {"--top-p", "0", "--top-p must be in (0, 1] (1 keeps all), found 0.0"},
            {"--top-p", "1.5", "--top-p must be in (0, 1] (1 keeps all), found 1.5"},
        };
        for (String[] c : cases) {
            CliRun run = CliRun.of("generate", "--checkpoint", model.toString(), "--prompt", "x", c[0], c[1]);
            assertEquals(2, run.exitCode(), run.err());
            assertEquals("wafer: " + c[2], run.err().strip());
        }
    }

    /**
     * A prompt shorter than the context grows to one token more than the context, as a full one does: with 32
     * positions, prompts of 30, 31 and 32 tokens get 3, 2 and 1 (they got 2, 1 and 1: one token early but at 32).
     */
    @Test
    void everyPromptGrowsToOneMoreThanTheContext() {
        for (int p = 30; p <= 32; p++) {
            String prompt = "a" + " a".repeat(p - 1); // GPT-2: "a" then p - 1 tokens " a"
            CliRun run = CliRun.of("generate", "--checkpoint", model.toString(), "--prompt", prompt, "--seed", "3",
                    "--max-tokens", "100");
            assertEquals(0, run.exitCode(), run.err());
            assertEquals("[" + (33 - p) + " tokens, stopped: context-full]", run.err().strip(), "prompt of " + p);
        }
    }

    /**
     * A prompt starting with '-h' or '-V' generates ({@code --prompt=-hi there} was "Expected parameter for option
     * '--prompt'", exit 2); a multi-line file is the same prompt as the same text given with --prompt; an '@' first
     * is the text, not a file of arguments (a file's '--max-tokens 1' became an option).
     */
    @Test
    void anyTextIsAPromptGivenWithPromptOrPromptFile() throws Exception {
        for (String arg : new String[] {"--prompt=-hi there", "--prompt=-Vote now"}) {
            CliRun run = CliRun.of("generate", "--checkpoint", model.toString(), arg, "--max-tokens", "2");
            assertEquals(0, run.exitCode(), arg + ": " + run.err());
            assertEquals("[2 tokens, stopped: max-tokens]", run.err().strip(), arg);
        }
        String text = "#draft\nOnce upon a time\n";
        Path story = java.nio.file.Files.writeString(tmp.resolve("story.txt"), text);
        String[] greedy = {"generate", "--checkpoint", model.toString(), "--temperature", "0", "--max-tokens", "4"};
        CliRun fromFile = CliRun.of(concat(greedy, "--prompt-file", story.toString()));
        assertEquals(0, fromFile.exitCode(), fromFile.err());
        assertEquals(CliRun.of(concat(greedy, "--prompt", text)).out(), fromFile.out());
        CliRun both = CliRun.of(concat(greedy, "--prompt", "x", "--prompt-file", story.toString()));
        assertEquals(2, both.exitCode());
        assertEquals("wafer: --prompt and --prompt-file both given; give the prompt one way", both.err().strip());
        Path options = java.nio.file.Files.writeString(tmp.resolve("o"), "--max-tokens 1\n");
        CliRun at = CliRun.of("generate", "--checkpoint", model.toString(), "--prompt", "@" + options,
                "--max-tokens", "3");
        assertEquals(0, at.exitCode(), at.err());
        assertEquals("[3 tokens, stopped: max-tokens]", at.err().strip());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
