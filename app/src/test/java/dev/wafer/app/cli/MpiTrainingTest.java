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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.formats.checkpoint.ModelCheckpoints;
import dev.wafer.app.cluster.Cluster;

/**
 * {@code mpirun -np 2 wafer train}: the same per-step losses as one process with the same global batch (exact where
 * the parameters are identical, else within {@link DataParallelTolerances}), resume across rank counts, and a killed
 * rank stopping the job with one line while the checkpoint stays usable. The child JVMs run on this test's classpath.
 */
class MpiTrainingTest {
    private static final long SEED = 57;
    private static final int STEPS = 20;

    @TempDir
    Path tmp;

    private Path tokens() throws Exception {
        return MpiLauncher.tokenFile(tmp, SEED);
    }

    /** 4 micro-batches of 2 sequences per step: 2 per rank at N=2. */
    private static List<String> model(Path tokens, long steps, String... extra) {
        List<String> args = new ArrayList<>(List.of("train", "--data", tokens.toString(), "--vocab", "97",
                "--d-model", "32", "--layers", "1", "--heads", "2", "--seq", "16", "--batch", "8", "--micro-batch",
                "2", "--json", "--seed", String.valueOf(SEED), "--steps", String.valueOf(steps)));
        args.addAll(List.of(extra));
        return args;
    }




    @Test
    void twoRanksFollowTheSingleProcessRunAndResumeAcrossRankCounts() throws Exception {
        MpiLauncher.mpirun();
        Path tokens = tokens();
        Map<Long, String> one = losses(MpiLauncher.ok(CliRun.of(model(tokens, STEPS).toArray(String[]::new))).out());
        CliRun twoRun = MpiLauncher.ok(MpiLauncher.run(tmp, 2, model(tokens, STEPS)));
        Map<Long, String> two = losses(twoRun.out());
        assertEquals(STEPS, one.size());
        assertEquals(STEPS, two.size(), "rank 0 alone prints: " + twoRun.out());
        assertEquals(one.get(1L), two.get(1L), "step 1 starts from identical parameters: exact");
        MpiLauncher.assertLossesClose(one, two, "2 ranks vs 1 process", SEED);
        assertTrue(twoRun.err().contains("2 ranks (Open MPI"), twoRun.err());

        // Saved at N=2, resumed at N=1.
        Path a = tmp.resolve("a");
        Map<Long, String> firstA = losses(MpiLauncher.ok(MpiLauncher.run(tmp, 2, model(tokens, STEPS, "--out", a.toString(),
                "--stop-at", "10"))).out());
        Map<Long, String> restA = losses(MpiLauncher.ok(CliRun.of("train", "--resume", a.toString(), "--json")).out());
        assertEquals(two.entrySet().stream().filter(e -> e.getKey() <= 10).toList(),
                new ArrayList<>(firstA.entrySet()), "same rank count: exact");
        assertEquals(two.get(11L), restA.get(11L), "first step after resuming at N=1 from N=2: exact");
        Map<Long, String> joinedA = new LinkedHashMap<>(firstA);
        joinedA.putAll(restA);
        MpiLauncher.assertLossesClose(one, joinedA, "saved at N=2, resumed at N=1", SEED);

        // Saved at N=1, resumed at N=2.
        Path b = tmp.resolve("b");
        Map<Long, String> firstB = losses(MpiLauncher.ok(CliRun.of(model(tokens, STEPS, "--out", b.toString(), "--stop-at", "10")
                .toArray(String[]::new))).out());
        Map<Long, String> restB = losses(MpiLauncher.ok(MpiLauncher.run(tmp, 2, List.of("train", "--resume", b.toString(),
                "--json"))).out());
        assertEquals(one.get(11L), restB.get(11L), "first step after resuming at N=2 from N=1: exact");
        Map<Long, String> joinedB = new LinkedHashMap<>(firstB);
        joinedB.putAll(restB);
        MpiLauncher.assertLossesClose(one, joinedB, "saved at N=1, resumed at N=2", SEED);
    }

    @Test
    void aKilledRankStopsTheOtherWithOneLineAndTheCheckpointResumes() throws Exception {
        MpiLauncher.mpirun();
        Path tokens = tokens();
        Path dir = tmp.resolve("run");
        Path out = tmp.resolve("killed.out");
        Path err = tmp.resolve("killed.err");
        Process job = MpiLauncher.start(2, model(tokens, 1_000_000, "--out", dir.toString(), "--checkpoint-every",
                "2"), out, err);
        Path checkpoint = dir.resolve(ModelCheckpoints.FILE_NAME);
        MpiLauncher.awaitCheckpointAndSteps(job, checkpoint, out, 6, 180);
        assertTrue(job.isAlive(), "the job ended before the kill: " + Files.readString(err));
        ProcessHandle rank1 = job.descendants().filter(MpiTrainingTest::isRank1).findFirst()
                .orElseThrow(() -> new AssertionError("no rank 1 among mpirun's children"));
        long killedAt = System.nanoTime();
        new ProcessBuilder("kill", "-9", String.valueOf(rank1.pid())).start().waitFor();
        assertTrue(job.waitFor(60, TimeUnit.SECONDS), "rank 0 did not stop within 60 s of rank 1's death");
        double seconds = (System.nanoTime() - killedAt) / 1e9;
        String log = Files.readString(err);
        assertNotEquals(0, job.exitValue(), log);
        assertTrue(log.lines().anyMatch(l -> l.startsWith("wafer: rank 0 of 2 stopped by SIGTERM")), log);
        assertTrue(log.contains("process rank 1"), "mpirun names the dead rank: " + log);
        assertTrue(seconds < 60, "stopped in " + seconds + " s");

        // The checkpoint is whole: it resumes, and its first step equals the killed run's own (identical parameters).
        Map<Long, String> printed = losses(Files.readString(out));
        Map<Long, String> resumed = losses(MpiLauncher.ok(CliRun.of("train", "--resume", dir.toString(), "--json", "--stop-at",
                String.valueOf(printed.size() + 3L))).out());
        long first = resumed.keySet().iterator().next();
        assertEquals(0, (first - 1) % 2, "checkpoints are every 2 steps: resumed at " + first);
        if (printed.containsKey(first)) {
            assertEquals(printed.get(first), resumed.get(first), "resumed step " + first);
        }
    }

    @Test
    void aHungRankStopsTheOtherWithinTheTimeoutAndTheCheckpointResumes() throws Exception {
        MpiLauncher.mpirun();
        Path tokens = tokens();
        Path dir = tmp.resolve("hung");
        Path out = tmp.resolve("hung.out");
        Path err = tmp.resolve("hung.err");
        int timeout = 4;
        Process job = MpiLauncher.start(2, model(tokens, 1_000_000, "--out", dir.toString(), "--checkpoint-every",
                "2"), out, err, Map.of(Cluster.TIMEOUT_ENV, String.valueOf(timeout)));
        ProcessHandle rank1 = null;
        try {
            Path checkpoint = dir.resolve(ModelCheckpoints.FILE_NAME);
            MpiLauncher.awaitCheckpointAndSteps(job, checkpoint, out, 6, 180);
            assertTrue(job.isAlive(), "the job ended before the stop: " + Files.readString(err));
            rank1 = job.descendants().filter(MpiTrainingTest::isRank1).findFirst()
                    .orElseThrow(() -> new AssertionError("no rank 1 among mpirun's children"));
            long stoppedAt = System.nanoTime();
            // SIGSTOP: rank 1 stays alive but never reaches the next all-reduce, as a hung rank does.
            new ProcessBuilder("kill", "-STOP", String.valueOf(rank1.pid())).start().waitFor();
            assertTrue(job.waitFor(90, TimeUnit.SECONDS), "rank 0 did not stop within 90 s of rank 1 hanging");
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            String log = Files.readString(err);
            assertNotEquals(0, job.exitValue(), log);
            assertTrue(log.lines().anyMatch(l -> l.startsWith("wafer: rank 0 of 2: the ")
                    && l.contains("waited more than " + timeout + " s for the other ranks")), log);
            assertTrue(seconds >= timeout, "stopped after " + seconds + " s, before the timeout");

            Map<Long, String> printed = losses(Files.readString(out));
            Map<Long, String> resumed = losses(MpiLauncher.ok(CliRun.of("train", "--resume", dir.toString(), "--json",
                    "--stop-at", String.valueOf(printed.size() + 3L))).out());
            long first = resumed.keySet().iterator().next();
            assertEquals(0, (first - 1) % 2, "checkpoints are every 2 steps: resumed at " + first);
            if (printed.containsKey(first)) {
                assertEquals(printed.get(first), resumed.get(first), "resumed step " + first);
            }
        } finally {
            if (rank1 != null) {
                new ProcessBuilder("kill", "-9", String.valueOf(rank1.pid())).start().waitFor();
            }
            job.destroyForcibly();
        }
    }

    @Test
    void clusterReportsTheLibraryAndTheRanks() throws Exception {
        MpiLauncher.mpirun();
        CliRun alone = MpiLauncher.ok(CliRun.of("cluster"));
        assertTrue(alone.out().startsWith("mpi  available  Open MPI v4.") && alone.out().contains("single process"),
                alone.out());
        CliRun launched = MpiLauncher.ok(MpiLauncher.run(tmp, 2, List.of("cluster")));
        assertEquals(1, launched.out().lines().count(), "rank 0 alone prints: " + launched.out());
        assertTrue(launched.out().contains("launched by mpirun: 2 ranks; MPI_COMM_WORLD has 2 ranks"), launched.out());
    }

    private static boolean isRank1(ProcessHandle p) {
        try {
            String env = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "environ"));
            return env.contains("OMPI_COMM_WORLD_RANK=1\0")
                    && p.info().command().map(c -> c.endsWith("java")).orElse(false);
        } catch (Exception e) {
            return false;
        }
    }
}
