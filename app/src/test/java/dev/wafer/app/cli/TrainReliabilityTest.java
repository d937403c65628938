package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.app.backend.BackendCatalog;
import dev.wafer.app.backend.FakeBackend;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The reliability issue's training cases: each bad case is a one-line {@code wafer:} error before any training, and
 * nothing trained is lost or overwritten.
 */
class TrainReliabilityTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 23;

    @TempDir
    static Path tmp;
    static Path tokens;
    static Path otherTokens;

    @BeforeAll
    static void tokenFiles() throws Exception {
        tokens = tokenFile("a.bin", SEED);
        otherTokens = tokenFile("b.bin", SEED + 1);
    }

    private static Path tokenFile(String name, long seed) throws Exception {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer buf = ByteBuffer.allocate(2 * 4000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 4000; i++) {
            buf.putShort((short) r.nextInt(97));
        }
        Path p = tmp.resolve(name);
        Files.write(p, buf.array());
        return p;
    }

    private static String[] model(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", tokens.toString(), "--vocab", "97",
                "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "2", "--json"));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private static void assertOneLine(CliRun run, String expected) {
        assertEquals(WaferCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().startsWith("wafer: ") && run.err().contains(expected), run.err());
        assertFalse(run.out().contains("\"step\""), "trained before refusing: " + run.out());
    }

    @Test
    void outThatIsAFileIsRefusedBeforeTraining() throws Exception {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        assertOneLine(CliRun.of(model("--steps", "2", "--out", file.toString())), "is a file");
    }

    @Test
    void aDirectoryWhereTheCheckpointGoesIsRefusedBeforeTraining() throws Exception {
        // The save renames a file onto DIR/checkpoint.wafer: a directory there used to fail it after every step
        // (exit 74, nothing saved), or to be taken for another run's checkpoint (with advice to --resume it).
        Path dir = Files.createDirectories(tmp.resolve("blocked").resolve("checkpoint.wafer")).getParent();
        for (String[] args : List.of(model("--steps", "2", "--out", dir.toString()),
                model("--steps", "2", "--out", dir.toString(), "--overwrite"))) {
            CliRun run = CliRun.of(args);
            assertOneLine(run, "--out " + dir + ": " + dir.resolve("checkpoint.wafer") + " is a directory");
            assertFalse(run.err().contains("--resume"), run.err());
        }
        // Resuming a file of another name saves beside it, into checkpoint.wafer: the same refusal, --overwrite or not.
        Path run = tmp.resolve("blocked-source");
        assertEquals(0, CliRun.of(model("--steps", "4", "--stop-at", "2", "--out", run.toString())).exitCode());
        Path named = Files.copy(run.resolve("checkpoint.wafer"), dir.resolve("run3.wafer"));
        CliRun resumed = CliRun.of("train", "--resume", named.toString(), "--overwrite", "--json");
        assertOneLine(resumed, dir.resolve("checkpoint.wafer") + " is a directory");
        assertTrue(Files.isDirectory(dir.resolve("checkpoint.wafer")));
    }

    @Test
    void anotherRunsCheckpointIsNotOverwrittenUnlessAsked() throws Exception {
        Path dir = tmp.resolve("theirs");
        assertEquals(0, CliRun.of(model("--steps", "2", "--out", dir.toString())).exitCode());
        byte[] before = Files.readAllBytes(dir.resolve("checkpoint.wafer"));
        assertOneLine(CliRun.of(model("--steps", "3", "--seed", "5", "--out", dir.toString())),
                "already holds a checkpoint of another run");
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(dir.resolve("checkpoint.wafer"))));
        CliRun again = CliRun.of(model("--steps", "3", "--seed", "5", "--out", dir.toString(), "--overwrite"));
        assertEquals(0, again.exitCode(), again.err());
    }

    @Test
    void aRunRefusedBeforeItsFirstSaveLeavesNoRunFolderBehind() throws Exception {
        Path created = tmp.resolve("never-trained");
        List<String> args = new ArrayList<>(List.of(model("--steps", "2", "--out", created.toString())));
        args.set(args.indexOf("--data") + 1, tmp.resolve("no-such-data.bin").toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertTrue(run.exitCode() != 0 && run.err().contains("no-such-data.bin"), run.err());
        assertFalse(Files.exists(created), "the refused run left " + created + " behind");
        // A folder that existed before the claim is the user's: only emptied of nothing, never removed.
        Path existing = Files.createDirectories(tmp.resolve("users-folder"));
        CliRun again = CliRun.of(args.stream().map(a -> a.equals(created.toString()) ? existing.toString() : a)
                .toArray(String[]::new));
        assertTrue(again.exitCode() != 0, again.err());
        assertTrue(Files.isDirectory(existing));
    }

    @Test
    void aDirectoryInUseByAnotherRunIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("busy"));
        try (FileChannel ch = FileChannel.open(dir.resolve(TrainOutput.LOCK_FILE), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = ch.lock()) {
            assertOneLine(CliRun.of(model("--steps", "2", "--out", dir.toString())), "in use by another");
        }
        assertEquals(0, CliRun.of(model("--steps", "2", "--out", dir.toString())).exitCode(), "lock released");
    }

    @Test
    void resumeRemovesTemporaryFilesAKilledRunLeftAndRefusesNothingToDo() throws Exception {
        Path dir = tmp.resolve("orphans");
        assertEquals(0, CliRun.of(model("--steps", "6", "--stop-at", "3", "--out", dir.toString())).exitCode());
        Path orphan = Files.writeString(dir.resolve(".checkpoint.wafer.tmp-1234"), "half a checkpoint");
        assertOneLine(CliRun.of("train", "--resume", dir.toString(), "--stop-at", "2"), "nothing to do");
        // Tokens count from the run's start too: 3 steps have trained more than 10 of them.
        assertOneLine(CliRun.of("train", "--resume", dir.toString(), "--max-tokens", "10"),
                "--max-tokens 10: nothing to do, the checkpoint has already trained");
        // The dry run refuses what the run refuses (it printed stop_step 3, run_tokens 0 and exit 0).
        for (String[] early : List.of(new String[] {"--stop-at", "2"}, new String[] {"--max-tokens", "10"})) {
            CliRun dry = CliRun.of("train", "--resume", dir.toString(), early[0], early[1], "--dry-run",
                    "--no-measure");
            assertOneLine(dry, early[0] + " " + early[1] + ": nothing to do");
            assertEquals("", dry.out());
        }
        CliRun rest = CliRun.of("train", "--resume", dir.toString(), "--json");
        assertEquals(0, rest.exitCode(), rest.err());
        assertFalse(Files.exists(orphan));
        // A finished run (6 of 6) with a stop it has passed is refused the same way, dry run too (it said "already
        // complete; nothing to do" with exit 0, and the dry run printed run_tokens 0); without one it is exit 0.
        for (String[] early : List.of(new String[] {"--stop-at", "3"}, new String[] {"--max-tokens", "10"})) {
            assertOneLine(CliRun.of("train", "--resume", dir.toString(), early[0], early[1]),
                    early[0] + " " + early[1] + ": nothing to do");
            CliRun dry = CliRun.of("train", "--resume", dir.toString(), early[0], early[1], "--dry-run",
                    "--no-measure");
            assertOneLine(dry, early[0] + " " + early[1] + ": nothing to do");
            assertEquals("", dry.out());
        }
        CliRun complete = CliRun.of("train", "--resume", dir.toString());
        assertEquals(0, complete.exitCode(), complete.err());
        assertTrue(complete.err().contains("already complete (step 6 of 6); nothing to do"), complete.err());
    }

    /**
     * A run stopped early logs its steps: lines were spaced over the whole schedule (every 10th of 200 steps), so
     * --stop-at 9 printed no step line at all, and the ETA counted to step 200.
     */
    @Test
    void anEarlyStopLogsItsOwnStepsAndAnEtaToItsStop() {
        List<String> args = new ArrayList<>(List.of(model("--steps", "200", "--stop-at", "9")));
        args.remove("--json");
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err());
        List<String> steps = run.err().lines().filter(l -> l.contains("] step ")).toList();
        assertEquals(9, steps.size(), run.err());
        assertTrue(steps.get(8).contains("step 9/200 ") && steps.get(8).endsWith("ETA 0s"), run.err());
        // About 20 lines over this invocation's steps, from a resumed step 100 to a stop at 400; its last included.
        long logged = java.util.stream.LongStream.rangeClosed(101, 400)
                .filter(s -> TrainProgress.logged(s, 100, 400, 1000)).count();
        assertEquals(20, logged);
        assertTrue(TrainProgress.logged(400, 100, 400, 1000) && TrainProgress.logged(397, 100, 397, 1000));
    }

    /**
     * model_flops_per_s counts the sequence trained: a preset's 128 positions trained at --seq 32 was counted at 128
     * (1.7% more than the same model trained at 32).
     */
    @Test
    void modelFlopsCountTheSequenceTrainedNotThePresetsPositions() throws Exception {
        CliRun run = CliRun.of("train", "--preset", "sp-tiny-128", "--seq", "32", "--vocab", "97", "--data",
                tokens.toString(), "--max-tokens", "100", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode step = JSON.readTree(run.out().lines().findFirst().orElseThrow());
        double perToken = step.get("model_flops_per_s").asDouble() / step.get("tokens_per_s").asDouble();
        dev.wafer.domain.model.ModelShape at32 = new dev.wafer.domain.model.ModelShape(97, 32, 128, 4, 4, 32, 512);
        double expected = dev.wafer.domain.scaling.FlopCount.trainingPerToken(at32);
        assertEquals(expected, perToken, expected * 1e-3, run.out());
    }

    /** A --stop-at past the run's last step stops nothing early: refused, dry run too (both accepted it silently). */
    @Test
    void aStopPastTheRunsLastStepIsRefused() {
        String expected = "--stop-at 50: past the run's last step, 3; give a step up to 3, or leave it out to train"
                + " to the end";
        assertOneLine(CliRun.of(model("--steps", "3", "--stop-at", "50")), expected);
        CliRun dry = CliRun.of(model("--steps", "3", "--stop-at", "50", "--dry-run", "--no-measure"));
        assertOneLine(dry, expected);
        assertEquals("", dry.out());
        CliRun last = CliRun.of(model("--steps", "3", "--stop-at", "3", "--dry-run", "--no-measure"));
        assertEquals(0, last.exitCode(), last.err());
    }

    /** A --max-tokens past the run's total tokens stops nothing early: refused as --stop-at is (it trained on). */
    @Test
    void maxTokensPastTheRunsTotalIsRefused() {
        // 3 steps of 2 x 16 tokens: 96 tokens in all.
        String expected = "--max-tokens 97: past the run's total tokens, 96 (step 3); give a count up to 96, or leave"
                + " it out to train to the end";
        assertOneLine(CliRun.of(model("--steps", "3", "--max-tokens", "97")), expected);
        CliRun dry = CliRun.of(model("--steps", "3", "--max-tokens", "97", "--dry-run", "--no-measure"));
        assertOneLine(dry, expected);
        assertEquals("", dry.out());
        CliRun all = CliRun.of(model("--steps", "3", "--max-tokens", "96", "--dry-run", "--no-measure"));
        assertEquals(0, all.exitCode(), all.err());
    }

    /** A micro-batch that does not divide the batch named "the run", not the flags that made it. */
    @Test
    void aMicroBatchThatDoesNotDivideTheBatchNamesItsFlags() {
        List<String> args = new ArrayList<>(List.of(model("--steps", "3", "--dry-run", "--no-measure")));
        args.set(args.indexOf("--batch") + 1, "4");
        args.addAll(List.of("--micro-batch", "3"));
        assertOneLine(CliRun.of(args.toArray(String[]::new)), "wafer: --micro-batch 3 with --batch 4: a batch of 4"
                + " sequences is not a whole number of micro-batches of 3");
        CliRun preset = CliRun.of("train", "--preset", "sp-tiny-128", "--micro-batch", "3", "--dry-run",
                "--no-measure");
        assertEquals(2, preset.exitCode(), preset.err());
        assertTrue(preset.err().startsWith("wafer: --micro-batch 3: a batch of "), preset.err());
    }

    @Test
    void anEarlyStopWithoutOutSaysNothingIsSavedAndOverwriteNeedsOut() {
        // A short run without saving is legitimate: trained, exit 0, but said (it was silent).
        for (String[] early : List.of(new String[] {"--stop-at", "2"}, new String[] {"--max-tokens", "40"})) {
            CliRun run = CliRun.of(model("--steps", "4", early[0], early[1]));
            assertEquals(0, run.exitCode(), run.err());
            assertTrue(run.out().contains("\"step\":2"), run.out());
            assertEquals(1, run.err().lines().filter(l -> l.contains("without --out saves nothing")
                    && l.startsWith("wafer: note: " + early[0] + " " + early[1]) && l.contains("--out DIR")).count(),
                    run.err());
        }
        CliRun saved = CliRun.of(model("--steps", "4", "--stop-at", "2", "--out", tmp.resolve("noted").toString()));
        assertEquals(0, saved.exitCode(), saved.err());
        assertFalse(saved.err().contains("saves nothing"), saved.err());
        // --overwrite without --out has nothing to overwrite (it exited 0 without a word).
        assertOneLine(CliRun.of(model("--steps", "2", "--overwrite")), "--overwrite needs --out DIR");
    }

    @Test
    void resumeOnOtherDataIsRefusedButAMovedCopyIsFine() throws Exception {
        Path dir = tmp.resolve("fingerprint");
        assertEquals(0, CliRun.of(model("--steps", "6", "--stop-at", "3", "--out", dir.toString())).exitCode());
        assertOneLine(CliRun.of("train", "--resume", dir.toString(), "--data", otherTokens.toString()),
                "is not the data this run trained on");
        Path moved = Files.copy(tokens, tmp.resolve("moved.bin"));
        CliRun run = CliRun.of("train", "--resume", dir.toString(), "--data", moved.toString(), "--json");
        assertEquals(0, run.exitCode(), run.err());
    }

    /** A run on synthetic tokens has no data to move: --data on its resume is refused, never silently dropped. */
    @Test
    void dataOnTheResumeOfARunWithoutADataFileIsRefused() throws Exception {
        Path dir = tmp.resolve("synthetic");
        assertEquals(0, CliRun.of("train", "--synthetic", "--vocab", "97", "--d-model", "32", "--layers", "1",
                "--heads", "2", "--seq", "16", "--batch", "2", "--steps", "4", "--stop-at", "2", "--out",
                dir.toString()).exitCode());
        assertOneLine(CliRun.of("train", "--resume", dir.toString(), "--data", tokens.toString()),
                "--data cannot be given on resume: this run trained on synthetic tokens, and a resumed run trains"
                        + " on the same data (--data only says where a moved dataset or token file now is)");
        CliRun rest = CliRun.of("train", "--resume", dir.toString(), "--json");
        assertEquals(0, rest.exitCode(), rest.err());
    }

    @Test
    void overflowingCountsAreRefused() {
        assertOneLine(CliRun.of(model("--steps", "2", "--batch-tokens", "68719476736")), "not both");
        assertOneLine(CliRun.of("train", "--data", tokens.toString(), "--vocab", "97", "--d-model", "32", "--layers",
                "1", "--heads", "2", "--seq", "16", "--batch-tokens", "68719476736"), "--batch-tokens");
        assertOneLine(CliRun.of(model("--steps", "1000000000000000000")), "exact");
    }

    @Test
    void nonFiniteLossesAreValidJson() throws Exception {
        CliRun run = CliRun.of(model("--steps", "8", "--warmup", "1", "--lr", "1e30", "--skip-nonfinite"));
        assertEquals(0, run.exitCode(), run.err());
        boolean sawNonFinite = false;
        for (String line : run.out().strip().split("\n")) {
            JsonNode n = JSON.readTree(line); // NaN printed bare would not parse
            if (n.has("step") && n.get("nonfinite").asBoolean()) {
                sawNonFinite = true;
                assertTrue(n.get("loss").isNull() || n.get("grad_norm").isNull(), line);
            }
        }
        assertTrue(sawNonFinite, "lr 1e30 should blow up: " + run.out());
    }

    /** A command that runs out of memory, as a too-large model would. */
    @Command(name = "oom")
    static final class OutOfMemoryCommand implements Runnable, BackendAgnostic {
        @Override
        public void run() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void outOfMemoryIsOneLineWithTheRemedies() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = WaferCommand.commandLine(new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(),
                BackendCatalog.of(List.of(FakeBackend.available("cpu"))));
        cli.addSubcommand(new OutOfMemoryCommand());
        int code;
        try {
            code = cli.execute("oom");
        } catch (OutOfMemoryError e) {
            code = WaferCommand.OUT_OF_MEMORY;
            err.writeBytes((ErrorReport.outOfMemoryLine(e) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(WaferCommand.OUT_OF_MEMORY, code, text);
        assertEquals(1, text.strip().lines().count(), text);
        assertTrue(text.contains("out of memory") && text.contains("-Xmx"), text);
    }

    @Test
    void benchGemmBeyondAnArrayIsOneLine() {
        CliRun run = CliRun.of("bench", "--gemm", "50000");
        assertEquals(WaferCommand.USAGE_ERROR, run.exitCode(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("largest square size here"), run.err());
    }
}
