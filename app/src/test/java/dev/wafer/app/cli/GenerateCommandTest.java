package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.adapters.cpu.CpuBackend;
import dev.wafer.domain.model.GptInference;
import dev.wafer.domain.model.GptModel;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.param.ParameterInitializer;
import dev.wafer.domain.param.Parameterisation;
import dev.wafer.domain.param.ParameterisationKind;
import dev.wafer.domain.param.Parameterisations;
import dev.wafer.ports.compute.TensorScope;

/** {@code wafer generate} on a model trained by {@code wafer train}, and the CPU backend's KV cache. */
class GenerateCommandTest {
    private static final long SEED = 31337L;

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

    @Test
    void cpuCacheMatchesTheFullForward() {
        ModelShape shape = ModelShape.withHeads(97, 24, 2, 4, 64, 256);
        for (ParameterisationKind kind : ParameterisationKind.values()) {
            try (CpuBackend backend = new CpuBackend(2, true); TensorScope scope = backend.openScope()) {
                Parameterisation p = Parameterisations.of(kind, shape);
                GptModel full = new GptModel(backend, scope, shape, p, 1, shape.seqLength());
                ParameterInitializer.initialize(full.parameters(), p, SEED);
                int[] tokens = new SplittableRandom(SEED).ints(shape.seqLength(), 0, shape.vocabSize()).toArray();
                float[] logits = full.logits(tokens);
                GptInference cached = new GptInference(backend, scope, full.parameters(), p);
                float[] step = cached.reset(new int[] {tokens[0]});
                for (int pos = 0; pos < shape.seqLength(); pos++) {
                    if (pos > 0) {
                        step = cached.next(tokens[pos]);
                    }
                    for (int i = 0; i < shape.vocabSize(); i++) {
                        double expected = (double) logits[pos * shape.vocabSize() + i] * p.outputLogitMultiplier();
                        assertEquals(expected, step[i], 1e-4 * Math.max(1, Math.abs(expected)),
                                kind + " seed " + SEED + " position " + pos + " logit " + i);
                    }
                }
            }
        }
    }
}
