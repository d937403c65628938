package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.ports.checkpoint.CheckpointReader;
import dev.wafer.ports.checkpoint.TensorSource;
import dev.wafer.ports.checkpoint.TensorSpec;

/**
 * Ranks of one {@code mpirun} job resuming different checkpoints are refused at start, in one line: checkpoints of
 * one run at one step with other parameters (they trained a silent mix, exit 0), and a complete checkpoint beside
 * an unfinished one (the complete rank said "nothing to do" and left; the other waited for the collective timeout).
 */
class MpiResumeAgreementTest {
    private static final long SEED = 31;
    private static final String REFUSAL = "wafer: rank 1 resolved another run than rank 0";

    @TempDir
    Path tmp;

    private List<String> model(Path tokens, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", tokens.toString(), "--vocab", "97",
                "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "8", "--micro-batch",
                "2", "--json", "--seed", String.valueOf(SEED), "--steps", "6", "--out", out.toString()));
        args.addAll(List.of(extra));
        return args;
    }

    private static List<String> resume(Path dir) {
        return List.of("train", "--resume", dir.toString(), "--json");
    }

    @Test
    void checkpointsOfTheSameStepWithOtherParametersAreRefused() throws Exception {
        MpiLauncher.mpirun();
        Path tokens = MpiLauncher.tokenFile(tmp, SEED);
        Path a = tmp.resolve("a");
        MpiLauncher.ok(CliRun.of(model(tokens, a, "--stop-at", "3").toArray(String[]::new)));
        // The same header (run, step, data position), one parameter moved by an ulp: as a 2-rank and a 1-process
        // save of one run differ.
        Path b = tmp.resolve("b");
        java.nio.file.Files.createDirectories(b);
        FileCheckpointStore store = new FileCheckpointStore();
        try (CheckpointReader reader = store.open(ModelCheckpoints.resolve(a))) {
            List<TensorSource> tensors = new ArrayList<>();
            for (TensorSpec t : reader.tensors()) {
                float[] data = reader.read(t.name());
                if (t.name().startsWith("params/") && tensors.isEmpty()) {
                    data[0] = Math.nextUp(data[0]);
                }
                tensors.add(TensorSource.of(t, data));
            }
            store.save(b.resolve(ModelCheckpoints.FILE_NAME), reader.header(), tensors);
        }
        CliRun mixed = MpiLauncher.runEach(tmp, List.of(resume(a), resume(b)), Map.of());
        assertEquals(2, mixed.exitCode(), mixed.err());
        assertTrue(mixed.err().contains(REFUSAL), mixed.err());
        assertTrue(MpiLauncher.losses(mixed.out()).isEmpty(), "no step trained: " + mixed.out());
    }

    @Test
    void aCompleteCheckpointBesideAnUnfinishedOneIsRefusedAtOnceAndAllCompleteSaySo() throws Exception {
        MpiLauncher.mpirun();
        Path tokens = MpiLauncher.tokenFile(tmp, SEED);
        Path done = tmp.resolve("done");
        Path half = tmp.resolve("half");
        MpiLauncher.ok(CliRun.of(model(tokens, done).toArray(String[]::new)));
        MpiLauncher.ok(CliRun.of(model(tokens, half, "--stop-at", "3").toArray(String[]::new)));
        // A hang would end after this timeout with exit 76 ("hung or was stopped").
        Map<String, String> env = Map.of("WAFER_COLLECTIVE_TIMEOUT", "120");
        CliRun mixed = MpiLauncher.runEach(tmp, List.of(resume(done), resume(half)), env);
        assertEquals(2, mixed.exitCode(), mixed.err());
        assertTrue(mixed.err().contains(REFUSAL), mixed.err());
        assertTrue(!mixed.err().contains("nothing to do"), mixed.err());

        CliRun complete = MpiLauncher.ok(MpiLauncher.runEach(tmp, List.of(resume(done), resume(done)), env));
        assertTrue(complete.err().contains("the run is already complete"), complete.err());
    }
}
