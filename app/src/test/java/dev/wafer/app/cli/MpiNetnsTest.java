package dev.wafer.app.cli;

import static dev.wafer.app.cli.MpiLauncher.losses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.checkpoint.ModelCheckpoints;

/**
 * {@code wafer train} on two "machines": two network namespaces joined by a veth pair ({@link NetnsPair}), one rank
 * in each, Open MPI over TCP only, the second host's daemon started through an ssh-like launcher agent. Checks what
 * one host over shared memory cannot show: the losses of one process (within {@link DataParallelTolerances}), a
 * SIGKILL of either rank's java process ending the whole job promptly with the watchdog's line and a non-zero exit,
 * and {@code --resume} after the kill continuing with exactly the losses of an uninterrupted run (same rank count).
 * Needs root, {@code ip netns} and mpirun: skips otherwise, fails under WAFER_EXPECT_NETNS=1 / WAFER_EXPECT_MPI=1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MpiNetnsTest {
    private static final long SEED = 61;
    /** The uninterrupted run's length; the kills come after about 6 steps. */
    private static final int STEPS = 30;
    private static final Pattern REDUCED = Pattern.compile("([0-9.]+) MB sent to collectives per step per rank");

    @TempDir
    static Path tmp;
    private NetnsPair net;
    private Path tokens;
    private Uninterrupted uninterrupted;

    @BeforeAll
    void createTheNamespaces() throws Exception {
        MpiLauncher.mpirun();
        net = NetnsPair.create(tmp);
        SplittableRandom r = new SplittableRandom(SEED);
        ByteBuffer buf = ByteBuffer.allocate(2 * 20000).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 20000; i++) {
            buf.putShort((short) r.nextInt(97));
        }
        tokens = Files.write(tmp.resolve("tokens.bin"), buf.array());
    }

    @AfterAll
    void removeTheNamespaces() throws Exception {
        if (net != null) {
            net.close();
        }
    }

    /**
     * Every run has the same schedule ({@code --steps} far beyond where it stops), so an uninterrupted run, a killed
     * one and its resume are the same run. 4 micro-batches of 2 sequences per step: 2 per rank.
     */
    private List<String> model(String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", tokens.toString(), "--vocab", "97",
                "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "8", "--micro-batch",
                "2", "--json", "--seed", String.valueOf(SEED), "--steps", "1000000"));
        args.addAll(List.of(extra));
        return args;
    }

    private CliRun acrossNamespaces(String name, List<String> args) throws Exception {
        Path out = tmp.resolve(name + ".out");
        Path err = tmp.resolve(name + ".err");
        Process job = net.mpirun(args, out, err, Map.of());
        if (!job.waitFor(120, TimeUnit.SECONDS)) {
            job.destroyForcibly();
            throw new AssertionError(name + ": mpirun across the namespaces did not finish within 120 s: "
                    + Files.readString(err));
        }
        CliRun run = new CliRun(job.exitValue(), Files.readString(out), Files.readString(err));
        assertEquals(0, run.exitCode(), name + ": " + run.err());
        return run;
    }

    /** The uninterrupted 2-rank run across the namespaces: its losses, stderr and bytes sent over the link. */
    private record Uninterrupted(Map<Long, String> losses, String err, long bytesSent) {
    }

    /** Made once, for every test. */
    private synchronized Uninterrupted uninterrupted() throws Exception {
        if (uninterrupted == null) {
            long before = net.bytesSent();
            CliRun run = acrossNamespaces("uninterrupted", model("--stop-at", String.valueOf(STEPS)));
            uninterrupted = new Uninterrupted(losses(run.out()), run.err(), net.bytesSent() - before);
            assertEquals(STEPS, uninterrupted.losses().size(), "rank 0 alone prints every step: " + run.out());
        }
        return uninterrupted;
    }

    @Test
    void twoRanksOnTwoHostsOverTcpFollowTheSingleProcessRun() throws Exception {
        Map<Long, String> one = losses(MpiLauncher.ok(CliRun.of(model("--stop-at", String.valueOf(STEPS))
                .toArray(String[]::new))).out());
        Uninterrupted two = uninterrupted();
        assertEquals(one.get(1L), two.losses().get(1L), "step 1 starts from identical parameters: exact");
        MpiLauncher.assertLossesClose(one, two.losses(), "2 hosts vs 1 process", SEED);
        assertTrue(two.err().contains("2 ranks (Open MPI"), two.err());
        assertTrue(net.agentLog().contains(NetnsPair.ADDRESS_1 + " " + net.second),
                "mpirun started the second host's daemon through the agent: " + net.agentLog());
        // The gradients crossed the link: at least half a rank's all-reduce share per step left the first namespace.
        Matcher m = REDUCED.matcher(two.err());
        assertTrue(m.find(), two.err());
        double perStep = Math.max(0.05, Double.parseDouble(m.group(1)) - 0.05) * 1e6;
        assertTrue(two.bytesSent() >= perStep / 2 * STEPS, two.bytesSent() + " bytes sent over "
                + NetnsPair.INTERFACE + " for " + STEPS + " steps of " + m.group(1)
                + " MB sent to collectives per step per rank");
        System.out.printf("MpiNetnsTest: %d bytes sent over %s for %d steps%n", two.bytesSent(), NetnsPair.INTERFACE,
                STEPS);
    }

    @Test
    void killingRank1OnTheSecondHostStopsTheJobAndTheCheckpointResumes() throws Exception {
        killAndResume(1);
    }

    @Test
    void killingRank0OnTheFirstHostStopsTheJobAndTheCheckpointResumes() throws Exception {
        killAndResume(0);
    }

    private void killAndResume(int victim) throws Exception {
        Map<Long, String> reference = uninterrupted().losses();
        Path dir = tmp.resolve("killed-" + victim);
        Path out = tmp.resolve("killed-" + victim + ".out");
        Path err = tmp.resolve("killed-" + victim + ".err");
        Process job = net.mpirun(model("--out", dir.toString(), "--checkpoint-every", "2"), out, err, Map.of());
        String victimNs = victim == 0 ? net.first : net.second;
        int survivor = 1 - victim;
        try {
            Path checkpoint = dir.resolve(ModelCheckpoints.FILE_NAME);
            MpiLauncher.awaitCheckpointAndSteps(job, checkpoint, out, 6, 120);
            assertTrue(job.isAlive(), "the job ended before the kill: " + Files.readString(err));
            ProcessHandle rank = NetnsPair.rankIn(victimNs, victim).orElseThrow(() -> new AssertionError(
                    "no java process of rank " + victim + " in namespace " + victimNs));
            long killedAt = System.nanoTime();
            rank.destroyForcibly(); // SIGKILL
            assertTrue(job.waitFor(60, TimeUnit.SECONDS), "the job did not stop within 60 s of rank " + victim
                    + "'s death");
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            String log = Files.readString(err);
            assertNotEquals(0, job.exitValue(), log);
            assertTrue(log.lines().anyMatch(l -> l.startsWith("wafer: rank " + survivor + " of 2 stopped by SIGTERM")
                    && l.endsWith("the last checkpoint is untouched")), log);
            assertTrue(log.contains("process rank " + victim), "mpirun names the dead rank: " + log);
            assertTrue(seconds < 30, "stopped " + seconds + " s after the kill");
            System.out.printf("MpiNetnsTest: rank %d killed, job ended %.2f s later%n", victim, seconds);
            // Nothing is left behind on either host: no rank, no daemon.
            long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < gone && !(NetnsPair.processes(net.first).isEmpty()
                    && NetnsPair.processes(net.second).isEmpty())) {
                Thread.sleep(50);
            }
            assertEquals(List.of(), NetnsPair.processes(net.first), "left in " + net.first);
            assertEquals(List.of(), NetnsPair.processes(net.second), "left in " + net.second);

            Map<Long, String> printed = losses(Files.readString(out));
            assertTrue(printed.size() < STEPS - 2, "killed at step " + printed.size() + ", too late to compare");
            assertEquals(new ArrayList<>(reference.entrySet()).subList(0, printed.size()),
                    new ArrayList<>(printed.entrySet()), "before the kill: the uninterrupted run's losses");
            Map<Long, String> resumed = losses(acrossNamespaces("resumed-" + victim, List.of("train", "--resume",
                    dir.toString(), "--json", "--stop-at", String.valueOf(STEPS))).out());
            long first = resumed.keySet().iterator().next();
            assertEquals(0, (first - 1) % 2, "checkpoints are every 2 steps: resumed at " + first);
            assertTrue(first <= printed.size() + 1, "resumed at " + first + " after " + printed.size() + " steps");
            Map<Long, String> rest = new LinkedHashMap<>(reference);
            rest.keySet().removeIf(step -> step < first);
            assertEquals(rest, resumed, "resumed from step " + first + ": the uninterrupted run's losses, exactly");
        } finally {
            job.destroyForcibly();
        }
    }


}
