package dev.wafer.app.cli;

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
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a signal-stopped {@code wafer train} child JVM says and exits with: a signal during the end-of-run validation
 * was ignored (the run validated on and exited 0); a stop without --out exited 75, which a Slurm wrapper requeues,
 * though nothing was saved; and the advice to resume dropped --stop-at and did not quote a path with a space.
 */
class TrainSignalStopTest {
    private static final long SEED = 47;

    @TempDir
    Path tmp;

    private Path tokens() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        ByteBuffer buf = ByteBuffer.allocate(2 * 6000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6000; i++) {
            buf.putShort((short) r.nextInt(97));
        }
        return Files.write(tmp.resolve("tokens.bin"), buf.array());
    }

    /** The child's exit code and stderr after {@code signal} once its stdout holds {@code steps} step lines. */
    private String[] stopAfter(int steps, String signal, String... args) throws Exception {
        return stopAfter(steps, signal, 1, args);
    }

    /** As above, sending {@code signal} {@code times} times, 100 ms apart (a step takes far longer). */
    private String[] stopAfter(int steps, String signal, int times, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), WaferMain.class.getName(), "train", "--json"));
        command.addAll(List.of(args));
        Path log = tmp.resolve("child.out");
        Path errLog = tmp.resolve("child.err");
        Process child = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(errLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && child.isAlive()
                && !Files.readString(log).contains("{\"step\":" + steps + ",")) {
            Thread.sleep(5);
        }
        assertTrue(child.isAlive(), "the child finished before the signal: " + Files.readString(errLog));
        for (int i = 0; i < times; i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            new ProcessBuilder("kill", "-" + signal, String.valueOf(child.pid())).start().waitFor();
        }
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not stop after SIG" + signal);
        return new String[] {String.valueOf(child.exitValue()), Files.readString(errLog), Files.readString(log)};
    }

    @Test
    void aSignalDuringTheEndOfRunValidationStopsAtOnce() throws Exception {
        Path dir = tmp.resolve("done");
        // The embedded sample's validation split: 1000 batches cover all of it, seconds of scoring after step 3.
        String[] r = stopAfter(3, "INT", "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "32",
                "--batch", "4", "--steps", "3", "--eval-batches", "1000", "--out", dir.toString());
        assertEquals("130", r[0], r[1]);
        assertFalse(r[2].contains("validation_loss"), r[2]);
        assertTrue(r[1].contains("wafer: SIGINT: stopped the end-of-run validation (no validation loss) after all 3"
                + " steps; they were saved before it, in " + dir.resolve("checkpoint.wafer")
                + "; the run is complete: wafer train --resume " + dir + " only says so"), r[1]);
        // What the line says resuming does.
        CliRun resumed = CliRun.of("train", "--resume", dir.toString());
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertTrue(resumed.err().contains("the run is already complete (step 3 of 3)"), resumed.err());
    }

    /**
     * A second signal stops at once, without the step in flight, and says so in one line with the newest checkpoint
     * and the command to continue from it: the step log may run past that checkpoint (until 2026-12-08 it halted
     * without a word).
     */
    @Test
    void aSecondSignalStopsAtOnceAndSaysWhereToContinue() throws Exception {
        Path dir = tmp.resolve("twice");
        // Steps of about half a second on two cores, so both signals (100 ms apart) land within one step.
        String[] r = stopAfter(4, "TERM", 2, "--data", tokens().toString(), "--vocab", "97", "--d-model", "256",
                "--layers", "4", "--heads", "4", "--seq", "64", "--batch", "24", "--seed", "3", "--steps", "2000",
                "--checkpoint-every", "2", "--out", dir.toString());
        assertEquals("143", r[0], r[1]);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("wafer: SIGTERM again: stopped at once, without"
                + " saving the step in flight; the newest checkpoint, step (\\d+), is "
                + java.util.regex.Pattern.quote(dir.resolve("checkpoint.wafer").toString()) + "; continue with: wafer"
                + " train --resume " + java.util.regex.Pattern.quote(dir.toString()) + " --backend cpu"
                + " --checkpoint-every 2").matcher(r[1]);
        assertTrue(m.find(), r[1]);
        long saved = Long.parseLong(m.group(1));
        // Step 4's checkpoint may still have been in writing: the newest whole one is then step 2's.
        assertTrue(saved >= 2 && saved % 2 == 0, "the newest checkpoint is a multiple of 2: " + r[1]);
        CliRun dry = CliRun.of("train", "--resume", dir.toString(), "--dry-run", "--json");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().matches("(?s).*\"start_step\" ?: ?" + saved + ",.*"), "the checkpoint is at step " + saved
                + ": " + dry.out());
    }

    @Test
    void aStopWithoutOutSavedNothingAndIsNoPreemption() throws Exception {
        String[] r = stopAfter(20, "TERM", "--data", tokens().toString(), "--vocab", "97", "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "2", "--seed", "3", "--steps", "2000");
        assertEquals("143", r[0], r[1]);
        assertTrue(r[1].contains("wafer: SIGTERM: stopped after step ") && r[1].contains("(no --out: nothing was"
                + " saved)"), r[1]);
    }

    @Test
    void theResumeAdviceKeepsTheStopAndQuotesThePath() throws Exception {
        Path dir = tmp.resolve("my run");
        String[] r = stopAfter(20, "TERM", "--data", tokens().toString(), "--vocab", "97", "--d-model", "32",
                "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "2", "--seed", "3", "--steps", "2000",
                "--stop-at", "1990", "--checkpoint-every", "500", "--out", dir.toString());
        assertEquals(String.valueOf(StopSignals.PREEMPTED), r[0], r[1]);
        // The backend, the stop and the checkpoint cadence: what the run was asked that its checkpoint does not hold.
        String advice = "continue with: wafer train --resume '" + dir + "' --backend cpu --stop-at 1990"
                + " --checkpoint-every 500";
        assertTrue(r[1].strip().endsWith(advice), r[1]);
        // Followed (the words a shell makes of it), the run stops where it was asked to.
        CliRun dry = CliRun.of("train", "--resume", dir.toString(), "--backend", "cpu", "--stop-at", "1990",
                "--checkpoint-every", "500", "--dry-run", "--json");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().matches("(?s).*\"stop_step\" ?: ?1990,.*"), dry.out());
    }
}
