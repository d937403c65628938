package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.wafer.app.backend.BackendCatalog;

/**
 * Under {@code mpirun -np 2} every rank ran eval, bench, generate and export-hf whole (eval printed its JSON twice,
 * export-hf failed on one rank's output lock); a command that does not share its work among ranks is now refused in
 * one line, while train, data prepare and cluster, and any command under {@code -np 1}, run.
 */
class RankUnawareCommandTest {
    private static CliRun run(int ranks, String... args) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("PMIX_RANK");
        env.put("OMPI_COMM_WORLD_SIZE", String.valueOf(ranks));
        env.put("OMPI_COMM_WORLD_RANK", "0");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = WaferCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, BackendCatalog.standard());
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCommandButTrainDataPrepareAndClusterIsRefusedUnderSeveralRanks() {
        for (String[] args : new String[][] {{"eval", "--checkpoint", "x"}, {"bench"}, {"generate", "--checkpoint", "x", "--prompt", "a"},
            {"export-hf", "--checkpoint", "x", "--out", "hf"}, {"models"}, {"plan", "--flops", "1e18"},
            {"data", "stats", "--dataset", "ds"}, {"study", "coord-check"}}) {
            String name = args[0].equals("data") || args[0].equals("study") ? args[0] + " " + args[1] : args[0];
            CliRun r = run(2, args);
            assertEquals(2, r.exitCode(), name + ": " + r.err());
            assertEquals(1, r.err().lines().count(), name + ": " + r.err());
            assertTrue(r.err().startsWith("wafer: " + name + " does not share its work among mpirun's ranks:"
                    + " launched by mpirun: 2 ranks"), r.err());
            assertTrue(r.err().contains("run 'wafer " + name + "' as one process"), r.err());
            assertEquals("", r.out(), name);
        }
    }

    @Test
    void oneRankAndRankAwareCommandsRun() {
        CliRun one = run(1, "models");
        assertEquals(0, one.exitCode(), one.err());
        CliRun dry = run(2, "train", "--synthetic", "--steps", "3", "--micro-batch", "4", "--dry-run", "--no-measure");
        assertEquals(0, dry.exitCode(), dry.err());
        assertFalse(dry.err().contains("does not share"), dry.err());
        CliRun help = run(2, "eval", "--help");
        assertEquals(0, help.exitCode(), help.err());
    }
}
