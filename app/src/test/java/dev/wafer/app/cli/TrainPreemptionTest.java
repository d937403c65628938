package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Preemption as a cluster does it: SIGTERM to a training child JVM makes it finish the step, checkpoint, say how to
 * resume and exit with code 75; resuming continues the uninterrupted run bit for bit.
 */
class TrainPreemptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 31;
    private static final int STEPS = 400;

    @TempDir
    Path tmp;

    private List<String> model(Path tokens, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", tokens.toString(), "--vocab", "97",
                "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "2", "--json",
                "--seed", "3", "--steps", String.valueOf(STEPS)));
        args.addAll(List.of(extra));
        return args;
    }

    private static List<String> losses(String out) throws Exception {
        List<String> l = new ArrayList<>();
        for (String line : out.strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            if (n.has("step")) {
                l.add(n.get("loss").asText());
            }
        }
        return l;
    }

    @Test
    void sigtermCheckpointsAndTheRunResumesExactly() throws Exception {
        SplittableRandom r = new SplittableRandom(SEED);
        ByteBuffer buf = ByteBuffer.allocate(2 * 6000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6000; i++) {
            buf.putShort((short) r.nextInt(97));
        }
        Path tokens = Files.write(tmp.resolve("tokens.bin"), buf.array());
        CliRun full = CliRun.of(model(tokens).toArray(String[]::new));
        assertEquals(0, full.exitCode(), full.err());
        List<String> reference = losses(full.out());
        assertEquals(STEPS, reference.size());

        Path dir = tmp.resolve("preempted");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), WaferMain.class.getName()));
        command.addAll(model(tokens, "--out", dir.toString()));
        Path log = tmp.resolve("child.out");
        Path errLog = tmp.resolve("child.err");
        Process child = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(errLog.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && child.isAlive() && losses(Files.readString(log)).size() < 20) {
            Thread.sleep(5);
        }
        assertTrue(child.isAlive(), "the child finished before it could be preempted: " + Files.readString(errLog));
        child.destroy(); // SIGTERM on Linux
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not stop after SIGTERM");
        String err = Files.readString(errLog);
        assertEquals(StopSignals.PREEMPTED, child.exitValue(), err);
        assertTrue(err.contains("SIGTERM: stopped after step") && err.contains("--resume " + dir), err);
        List<String> first = losses(Files.readString(log));
        assertTrue(first.size() < STEPS, "stopped early");
        assertEquals(reference.subList(0, first.size()), first);

        CliRun rest = CliRun.of("train", "--resume", dir.toString(), "--json");
        assertEquals(0, rest.exitCode(), rest.err());
        List<String> resumed = new ArrayList<>(first);
        resumed.addAll(losses(rest.out()));
        assertEquals(reference, resumed, "seed " + SEED + ": preempted after step " + first.size());
    }
}
