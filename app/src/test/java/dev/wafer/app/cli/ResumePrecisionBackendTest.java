package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wafer.app.opencl.OpenClPlatform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resuming an fp16 checkpoint on a backend without fp16: the precision is the checkpoint's, so the refusal names the
 * checkpoint and the backend to resume on; until 2026-12-08 it said "--precision fp16 ... use --precision fp32",
 * a flag the user had not given and a resumed run cannot take.
 */
class ResumePrecisionBackendTest {
    @TempDir
    Path tmp;

    @Test
    void resumingOnABackendWithoutTheCheckpointsPrecisionNamesTheCheckpoint() {
        Path dir = tmp.resolve("run");
        CliRun first = CliRun.of("train", "--synthetic", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "32",
                "--batch", "4", "--vocab", "64", "--steps", "6", "--precision", "fp16", "--out", dir.toString(),
                "--stop-at", "3", "--seed", "7");
        assertEquals(0, first.exitCode(), first.err());
        String expected = "wafer: --resume " + dir + ": the checkpoint trains in fp16, which backend 'opencl' does"
                + " not implement (it trains in fp32 only) and a resumed run cannot change; resume it with"
                + " --backend cpu";
        CliRun dry = CliRun.of("train", "--resume", dir.toString(), "--backend", "opencl", "--dry-run",
                "--no-measure");
        assertEquals(2, dry.exitCode(), dry.err());
        assertEquals(expected, dry.err().strip());
        OpenClPlatform.require();
        CliRun run = CliRun.of("train", "--resume", dir.toString(), "--backend", "opencl");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals(expected, run.err().lines().filter(l -> l.startsWith("wafer: ")).reduce((a, b) -> b)
                .orElse(run.err()));
    }
}
