package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CUDA device that fails in the middle of {@code wafer train}, on the stand-in libraries ({@link StandInCuda}): the
 * stand-in driver fails the fifth launch of {@code encoder_forward} (one a step here: no gradient accumulation), as a
 * device error would at step 5. The run ends with one line naming the call, the device's error and the newest
 * checkpoint (step 4 of a run checkpointing every 2 steps), exit code 69, no trace; and {@code --resume} from it on a
 * healthy device finishes the run with the uninterrupted run's losses.
 */
class DeviceFailureTrainingTest {
    private static final long SEED = 61;

    @TempDir
    Path tmp;

    private static List<String> train(Path tokens, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--backend", "cuda", "--data", tokens.toString(),
                "--vocab", "97", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "4",
                "--micro-batch", "4", "--json", "--seed", String.valueOf(SEED), "--steps", "8"));
        args.addAll(List.of(more));
        return MpiLauncher.wafer(args);
    }

    private Map<String, String> standIn() {
        return new HashMap<>(StandInCuda.environment());
    }

    @Test
    void aDeviceThatFailsMidRunSaysWhereToContinueFrom() throws Exception {
        Path tokens = MpiLauncher.tokenFile(tmp, SEED);
        Path out = tmp.resolve("run");
        Map<String, String> failing = standIn();
        failing.put("WAFER_STAND_IN_FAIL_LAUNCH", "encoder_forward#5");
        CliRun failed = StandInCuda.run(tmp, train(tokens, "--out", out.toString(), "--checkpoint-every", "2"),
                failing);

        assertEquals(WaferCommand.DEVICE_FAILED, failed.exitCode(), failed.err());
        List<String> wafer = failed.err().lines().filter(l -> l.startsWith("wafer: ")).toList();
        assertEquals(1, wafer.size(), failed.err());
        String line = wafer.get(0);
        assertTrue(line.startsWith("wafer: the cuda device failed: cuLaunchKernel (kernel encoder_forward"), line);
        assertTrue(line.contains("CUDA_ERROR_LAUNCH_FAILED (719)"), line);
        assertTrue(line.contains("the newest checkpoint, step 4, is " + out.resolve("checkpoint.wafer")
                + "; continue with: wafer train --resume " + out + " --backend cuda --checkpoint-every 2"), line);
        assertFalse(failed.err().contains("\tat "), "no trace: " + failed.err());
        Map<Long, String> before = MpiLauncher.losses(failed.out());
        assertEquals(4, before.size(), "steps 1-4 ran: " + failed.out());

        // What the line says to run (the checkpoint fixes the run; --data and --json may be given).
        CliRun resumed = MpiLauncher.ok(StandInCuda.run(tmp, MpiLauncher.wafer(List.of("train", "--backend", "cuda",
                "--resume", out.toString(), "--data", tokens.toString(), "--json")), standIn()));
        CliRun whole = MpiLauncher.ok(StandInCuda.run(tmp, train(tokens), standIn()));
        Map<Long, String> uninterrupted = MpiLauncher.losses(whole.out());
        Map<Long, String> joined = new java.util.TreeMap<>(before);
        joined.putAll(MpiLauncher.losses(resumed.out()));
        assertEquals(uninterrupted, joined, "resumed from step 4 after the failure: the uninterrupted run's losses");
    }

    @Test
    void withoutCheckpointsItSaysNothingWasSaved() throws Exception {
        Path tokens = MpiLauncher.tokenFile(tmp, SEED);
        Map<String, String> failing = standIn();
        failing.put("WAFER_STAND_IN_FAIL_LAUNCH", "encoder_forward#2");
        CliRun failed = StandInCuda.run(tmp, train(tokens), failing);
        assertEquals(WaferCommand.DEVICE_FAILED, failed.exitCode(), failed.err());
        assertTrue(failed.err().contains("; nothing was saved (--out DIR with --checkpoint-every N keeps checkpoints"
                + " to continue from)"), failed.err());
    }
}
