package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.ports.checkpoint.CheckpointReader;

/**
 * What {@code train --resume} does with the flags around the checkpoint: where it saves without {@code --out}, a new
 * batch with a new micro-batch, the checkpoint's own values repeated, moved data, paths that are directories or
 * symbolic links.
 */
class TrainResumeFlagsTest {
    private static final long SEED = 41;

    @TempDir
    static Path tmp;
    /** A run of 12 steps stopped at step 2, never resumed by a test (each copies it). */
    static Path part;

    private static String[] model(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--synthetic", "--vocab", "64", "--d-model", "16",
                "--layers", "1", "--heads", "2", "--seq", "8", "--batch", "4", "--steps", "12", "--json"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @BeforeAll
    static void partialRun() {
        part = tmp.resolve("part");
        CliRun run = CliRun.of(model("--stop-at", "2", "--out", part.toString()));
        assertEquals(0, run.exitCode(), run.err());
    }

    private static Path copy(String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.copy(part.resolve(ModelCheckpoints.FILE_NAME), dir.resolve(ModelCheckpoints.FILE_NAME));
        return dir;
    }

    private static long step(Path file) {
        try (CheckpointReader reader = new FileCheckpointStore().open(file)) {
            return reader.header().training().orElseThrow().position().step();
        }
    }

    @Test
    void resumingAFileSavesBesideIt() throws Exception {
        // The checkpoint file of a run directory: saved in place, as --resume DIR does (it used to save nothing).
        Path dir = copy("file");
        Path file = dir.resolve(ModelCheckpoints.FILE_NAME);
        CliRun run = CliRun.of("train", "--resume", file.toString(), "--checkpoint-every", "2", "--stop-at", "4");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(4, step(file));
        // A file of another name is left as it is; the run's checkpoints go to DIR/checkpoint.wafer, and it says so.
        Path other = Files.createDirectories(tmp.resolve("kept"));
        Path named = Files.copy(file, other.resolve("run4.wafer"));
        byte[] before = Files.readAllBytes(named);
        run = CliRun.of("train", "--resume", named.toString(), "--stop-at", "6");
        assertEquals(0, run.exitCode(), run.err());
        assertArrayEquals(before, Files.readAllBytes(named));
        assertEquals(6, step(other.resolve(ModelCheckpoints.FILE_NAME)));
        assertTrue(run.err().contains("checkpoints go to " + other.resolve(ModelCheckpoints.FILE_NAME)), run.err());
        // Resuming the renamed file again would replace that newer checkpoint: refused, naming the way out.
        run = CliRun.of("train", "--resume", named.toString(), "--stop-at", "8");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("which is not the checkpoint being resumed") && run.err().contains("--out"),
                run.err());
        assertEquals(6, step(other.resolve(ModelCheckpoints.FILE_NAME)));
    }

    @Test
    void aNewBatchTakesTheMicroBatchGivenWithIt() throws Exception {
        Path dir = copy("batch");
        // 6 sequences: not a whole number of the checkpoint's micro-batches of 4, but of the --micro-batch given.
        CliRun run = CliRun.of("train", "--resume", dir.toString(), "--batch-tokens", "48", "--micro-batch", "1",
                "--stop-at", "3");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(3, step(dir.resolve(ModelCheckpoints.FILE_NAME)));
        run = CliRun.of("train", "--resume", dir.toString(), "--batch-tokens", "40", "--stop-at", "4");
        assertEquals(0, run.exitCode(), "without --micro-batch one is chosen as for a new run: " + run.err());
        run = CliRun.of("train", "--resume", dir.toString(), "--batch-tokens", "48", "--micro-batch", "4");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("--micro-batch 4"), run.err());
    }

    @Test
    void theStartingCommandContinuesARunWhoseBatchChanged() throws Exception {
        Path dir = copy("restarted");
        CliRun run = CliRun.of("train", "--resume", dir.toString(), "--batch-tokens", "48", "--stop-at", "3");
        assertEquals(0, run.exitCode(), run.err());
        // 12 steps of 4 sequences are now 2 of 4 and 7 of 6: the run's --steps 12 and --batch 4 are still its own
        // (they were refused: "the checkpoint has 9, not 12", and without --steps "has 6, not 4").
        run = CliRun.of(model("--resume", dir.toString(), "--stop-at", "4"));
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(4, step(dir.resolve(ModelCheckpoints.FILE_NAME)));
        run = CliRun.of("train", "--resume", dir.toString(), "--stop-at", "5", "--steps", "9", "--batch", "6");
        assertEquals(0, run.exitCode(), "what the run has now is accepted too: " + run.err());
        run = CliRun.of("train", "--resume", dir.toString(), "--steps", "13");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("wafer: --steps cannot change on --resume: the checkpoint has 9 (12 in steps"
                + " of its first batch), not 13"), run.err());
        run = CliRun.of("train", "--resume", dir.toString(), "--batch", "5");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("wafer: --batch cannot change on --resume: the checkpoint has 6 (4 at its"
                + " start), not 5"), run.err());
    }

    @Test
    void aMicroBatchNeedNotDivideFinishedBatches() throws Exception {
        Path dir = copy("finished");
        // Steps 1-2 trained batches of 4; only the batches still to train must be whole numbers of micro-batches.
        CliRun run = CliRun.of("train", "--resume", dir.toString(), "--batch-tokens", "48", "--micro-batch", "6",
                "--stop-at", "3");
        assertEquals(0, run.exitCode(), run.err());
        run = CliRun.of("train", "--resume", dir.toString(), "--micro-batch", "3", "--dry-run", "--no-measure",
                "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode dry = new ObjectMapper().readTree(run.out());
        assertEquals("[null,2]", dry.get("accumulation_steps").toString(), run.out());
        run = CliRun.of("train", "--resume", dir.toString(), "--micro-batch", "3", "--stop-at", "4");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(4, step(dir.resolve(ModelCheckpoints.FILE_NAME)));
        // A micro-batch that does not divide the batch in force is refused, naming that batch (not a finished one).
        run = CliRun.of("train", "--resume", dir.toString(), "--micro-batch", "4", "--dry-run", "--no-measure");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --micro-batch: a batch of 6 sequences is not a whole number of micro-batches of 4",
                run.err().strip());
        run = CliRun.of("train", "--resume", dir.toString(), "--batch-tokens", "40", "--micro-batch", "2");
        assertEquals(2, run.exitCode(), run.err());
        assertEquals("wafer: --batch-tokens with --micro-batch 2: a batch of 5 sequences is not a whole number of"
                + " micro-batches of 2", run.err().strip());
    }

    @Test
    void theCheckpointsOwnValuesMayBeRepeated() throws Exception {
        Path dir = copy("same");
        // The command that started the run, with --resume: every fixed value equals the checkpoint's.
        CliRun run = CliRun.of(model("--resume", dir.toString(), "--seed", "1", "--precision", "fp32",
                "--stop-at", "3"));
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(3, step(dir.resolve(ModelCheckpoints.FILE_NAME)));
        run = CliRun.of("train", "--resume", dir.toString(), "--vocab", "65");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --vocab cannot change on --resume: the checkpoint has 64, not 65")
                && run.err().contains("--recompute") && run.err().contains("--profile")
                && run.err().contains("--backend"), run.err());
        run = CliRun.of("train", "--resume", dir.toString(), "--preset", "111M");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --preset cannot be given with --resume"), run.err());
    }

    @Test
    void movedDataIsNamedAsTheCheckpointsAndRelocatedWithData() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        ByteBuffer buf = ByteBuffer.allocate(2 * 3000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 3000; i++) {
            buf.putShort((short) r.nextInt(64));
        }
        Path tokens = Files.write(tmp.resolve("tok.bin"), buf.array());
        Path dir = tmp.resolve("moved");
        CliRun run = CliRun.of("train", "--data", tokens.toString(), "--vocab", "64", "--d-model", "16", "--layers",
                "1", "--heads", "2", "--seq", "8", "--batch", "4", "--steps", "6", "--stop-at", "2", "--out",
                dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        Path moved = Files.move(tokens, tmp.resolve("tok-moved.bin"));
        run = CliRun.of("train", "--resume", dir.toString());
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.err().contains("the data the checkpoint recorded, " + tokens) && run.err().contains(
                "--data NEWPATH") && !run.err().contains("wafer: --data"), run.err());
        run = CliRun.of("train", "--resume", dir.toString(), "--data", moved.toString(), "--stop-at", "3");
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void aCheckpointPathThatIsADirectoryIsAMistakeEverywhere() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("isdir").resolve(ModelCheckpoints.FILE_NAME)).getParent();
        CliRun train = CliRun.of("train", "--resume", dir.toString());
        assertEquals(2, train.exitCode(), train.err());
        CliRun generate = CliRun.of("generate", "--checkpoint", dir.toString(), "--prompt", "hi");
        assertEquals(2, generate.exitCode(), generate.err());
        assertTrue(train.err().contains("is a directory"), train.err());
    }

    @Test
    void aSymbolicLinkToTheRunIsTheSameRun() throws Exception {
        Path dir = copy("linked");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), dir);
        CliRun run = CliRun.of("train", "--resume", link.toString(), "--out", dir.toString(), "--stop-at", "3");
        assertEquals(0, run.exitCode(), run.err());
        assertFalse(run.err().contains("another run"), run.err());
        assertEquals(3, step(dir.resolve(ModelCheckpoints.FILE_NAME)));
    }
}
