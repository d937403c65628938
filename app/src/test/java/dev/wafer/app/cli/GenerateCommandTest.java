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

    @Test
    void badInputIsOneLine() {
        CliRun run = CliRun.of("generate", "--checkpoint", tmp.resolve("missing").toString(), "--prompt", "x");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --checkpoint") && run.err().contains("no checkpoint"), run.err());
        run = CliRun.of("generate", "--checkpoint", model.toString(), "--prompt", "x", "--top-p", "0");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("top-p"), run.err());
    }
}
