package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.formats.checkpoint.FileCheckpointStore;
import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.domain.session.CheckpointTensors;
import dev.wafer.domain.session.RunStateHeaders;
import dev.wafer.domain.model.ModelShape;
import dev.wafer.domain.model.ParameterLayout;
import dev.wafer.domain.model.ParameterSpec;
import dev.wafer.ports.checkpoint.CheckpointReader;

/**
 * Exact resume: a run stopped (or killed with SIGKILL) and resumed from its checkpoint prints the same per-step
 * losses, bit for bit, as a run that was never interrupted, and ends with the same parameters.
 */
class TrainResumeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 20240611L;

    @TempDir
    static Path tmp;
    static Path tokens;

    @BeforeAll
    static void tokenFile() throws IOException {
        // Seeded text with structure (a noisy counter), so that training moves the loss.
        SplittableRandom r = new SplittableRandom(SEED);
        ByteBuffer buf = ByteBuffer.allocate(2 * 30_000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 30_000; i++) {
            buf.putShort((short) ((i * 7 + r.nextInt(3)) % 256));
        }
        tokens = tmp.resolve("tokens.bin");
        Files.write(tokens, buf.array());
    }

    private static List<String> model(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", tokens.toString(), "--vocab", "256",
                "--d-model", "32", "--layers", "2", "--heads", "2", "--seq", "16", "--micro-batch", "2", "--json",
                "--seed", "7"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void stoppedAndResumedRunMatchesUninterruptedBitForBit() {
        Path full = tmp.resolve("full");
        Path part = tmp.resolve("part");
        List<String> fullLosses = losses(run(model("--steps", "12", "--batch-tokens", "64", "--out", full.toString())));
        assertEquals(12, fullLosses.size());
        List<String> first = losses(run(model("--steps", "12", "--batch-tokens", "64", "--out", part.toString(),
                "--checkpoint-every", "2", "--stop-at", "5")));
        assertEquals(5, first.size());
        List<String> rest = losses(run(List.of("train", "--resume", part.toString(), "--json")));
        List<String> resumed = new ArrayList<>(first);
        resumed.addAll(rest);
        assertEquals(fullLosses, resumed, "seed " + SEED + ": losses of the resumed run differ");
        assertSameParameters(full, part);
    }

    @Test
    void killedProcessResumesBitForBit() throws Exception {
        Path full = tmp.resolve("kill-full");
        Path dir = tmp.resolve("kill");
        String[] common = {"--steps", "1500", "--batch", "2", "--checkpoint-every", "20"};
        List<String> reference = losses(run(model(concat(common, "--out", full.toString()))));
        assertEquals(1500, reference.size());

        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), WaferMain.class.getName()));
        command.addAll(model(concat(common, "--out", dir.toString())));
        Path log = tmp.resolve("child.out");
        Process child = new ProcessBuilder(command).redirectOutput(log.toFile())
                .redirectError(tmp.resolve("child.err").toFile()).start();
        Path file = dir.resolve(ModelCheckpoints.FILE_NAME);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        // Wait until a checkpoint exists and has been replaced at least once, then kill -9 mid-run.
        long firstStep = -1;
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (Files.exists(file)) {
                long step = savedStep(file);
                if (firstStep < 0) {
                    firstStep = step;
                } else if (step > firstStep) {
                    break;
                }
            }
            Thread.sleep(5);
        }
        assertTrue(child.isAlive(), "the child finished (or died) before it could be killed; stderr: "
                + Files.readString(tmp.resolve("child.err")));
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        long step = savedStep(file);
        assertTrue(step > 0 && step < 1500, "checkpoint at step " + step);

        List<String> killed = losses(Files.readString(log));
        assertTrue(killed.size() >= step, "the child printed " + killed.size() + " steps before step " + step);
        assertEquals(reference.subList(0, (int) step), killed.subList(0, (int) step));
        List<String> rest = losses(run(List.of("train", "--resume", dir.toString(), "--json")));
        assertEquals(1500 - step, rest.size());
        assertEquals(reference.subList((int) step, 1500), rest,
                "seed " + SEED + ": killed at step >= " + step + ", the resumed losses differ");
        assertSameParameters(full, dir);
    }

    @Test
    void batchSizeChangeOnResumeContinuesTheStepCounterAndKeepsTheLearningRateContinuousInTokens() {
        Path dir = tmp.resolve("rescale");
        List<JsonNode> first = steps(run(model("--steps", "12", "--warmup", "4", "--lr", "6e-4", "--batch-tokens", "64", "--out",
                dir.toString(), "--stop-at", "6")));
        assertEquals(6, first.size());
        assertEquals(384, first.get(5).get("tokens").asLong());
        List<JsonNode> rest = steps(run(List.of("train", "--resume", dir.toString(), "--batch-tokens", "128",
                "--json")));
        // 6 steps of 64 tokens trained; the remaining 6 x 64 tokens are 3 steps of 128, and the counter continues.
        assertEquals(List.of(7L, 8L, 9L), rest.stream().map(n -> n.get("step").asLong()).toList());
        assertEquals(List.of(512L, 640L, 768L), rest.stream().map(n -> n.get("tokens").asLong()).toList());
        assertEquals(List.of(128L, 128L, 128L), rest.stream().map(n -> n.get("batch_tokens").asLong()).toList());
        // lr at token 384 (warm-up 4 x 64 = 256 tokens, decay 8 x 64 = 512 tokens, linear 6e-4 .. 6e-5).
        double lrAt384Tokens = 6e-4 * (1 - 0.9 * 128 / 512.0);
        assertEquals(lrAt384Tokens, rest.get(0).get("lr").asDouble(), 1e-9);
        for (JsonNode n : rest) {
            assertTrue(Double.isFinite(n.get("loss").asDouble()), n.toString());
        }
        CliRun bad = CliRun.of("train", "--resume", dir.toString(), "--batch-tokens", "48", "--micro-batch", "2");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("--batch-tokens with --micro-batch 2") && bad.err().contains("micro-batches of 2"),
                bad.err());
    }

    @Test
    void resumeRefusesFlagsTheCheckpointFixesAndBrokenFiles() throws IOException {
        Path dir = tmp.resolve("refuse");
        run(model("--steps", "2", "--out", dir.toString()));
        CliRun run = CliRun.of("train", "--resume", dir.toString(), "--lr", "1e-3");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --lr cannot change on --resume"), run.err());
        // The precision the checkpoint holds, repeated, is no change; with another fixed flag, that one is named.
        run = CliRun.of("train", "--resume", dir.toString(), "--precision", "fp32", "--dry-run", "--no-measure");
        assertEquals(0, run.exitCode(), run.err());
        run = CliRun.of("train", "--resume", dir.toString(), "--precision", "fp32", "--seed", "9");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("wafer: --seed cannot change on --resume"), run.err());
        // Resuming a complete run says so (exit 0) and leaves its checkpoint as it is.
        byte[] complete = Files.readAllBytes(dir.resolve(ModelCheckpoints.FILE_NAME));
        run = CliRun.of("train", "--resume", dir.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.err().contains("already complete (step 2 of 2); nothing to do"), run.err());
        assertTrue(java.util.Arrays.equals(complete, Files.readAllBytes(dir.resolve(ModelCheckpoints.FILE_NAME))));
        // An infinite learning rate is not "not positive".
        run = CliRun.of("train", "--synthetic", "--lr", "Infinity", "--steps", "1");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("positive and finite, found Infinity"), run.err());
        Path file = dir.resolve(ModelCheckpoints.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        run = CliRun.of("train", "--resume", dir.toString());
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(file.toString()) && run.err().contains("truncated"), run.err());
        run = CliRun.of("train", "--resume", tmp.resolve("nowhere").toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("no checkpoint at"), run.err());
    }

    private static String[] concat(String[] a, String... b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    private static long savedStep(Path file) {
        try (CheckpointReader r = new FileCheckpointStore().open(file)) {
            return r.header().training().orElseThrow().position().step();
        } catch (RuntimeException e) {
            return -1; // being replaced right now: try again
        }
    }

    private static void assertSameParameters(Path a, Path b) {
        FileCheckpointStore store = new FileCheckpointStore();
        try (CheckpointReader ra = store.open(a.resolve(ModelCheckpoints.FILE_NAME));
                CheckpointReader rb = store.open(b.resolve(ModelCheckpoints.FILE_NAME))) {
            assertEquals(ra.header(), rb.header());
            ModelShape shape = RunStateHeaders.shape(a, ra.header().model());
            for (ParameterSpec p : new ParameterLayout(shape).specs()) {
                for (String prefix : new String[] {CheckpointTensors.PARAMS, CheckpointTensors.ADAM_M,
                    CheckpointTensors.ADAM_V}) {
                    String name = CheckpointTensors.tensorName(prefix, p.name());
                    assertArrayEquals(ra.read(name), rb.read(name), "seed " + SEED + ": " + name);
                }
            }
        }
    }

    private static String run(List<String> args) {
        CliRun r = CliRun.of(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return r.out();
    }

    private static List<String> losses(String out) {
        return steps(out).stream().map(n -> n.get("loss").asText()).toList();
    }

    private static List<JsonNode> steps(String out) {
        List<JsonNode> list = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode n = JSON.readTree(line);
                if (n.has("step")) {
                    list.add(n);
                }
            } catch (IOException e) {
                // The killed child may leave half a line at the end.
            }
        }
        return list;
    }

}
