package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Starts {@code mpirun -np N --oversubscribe java ... WaferMain ARGS} with the test's classpath, as a user starts
 * {@code mpirun -np N ./wafer ...}. Tests skip when mpirun is absent, unless {@code WAFER_EXPECT_MPI=1} (CI), where
 * they fail instead.
 */
final class MpiLauncher {
    private MpiLauncher() {
    }

    /** The mpirun executable, or the test is skipped (failed under WAFER_EXPECT_MPI=1). */
    static Path mpirun() {
        Optional<Path> found = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(dir -> Path.of(dir, "mpirun")).filter(Files::isExecutable).findFirst();
        if ("1".equals(System.getenv("WAFER_EXPECT_MPI"))) {
            assertTrue(found.isPresent(), "WAFER_EXPECT_MPI=1 but mpirun is not on the PATH");
        }
        Assumptions.assumeTrue(found.isPresent(), "mpirun is not installed (apt-get install openmpi-bin)");
        return found.get();
    }

    /** The command for {@code ranks} ranks of wafer with {@code args}. */
    static List<String> command(int ranks, List<String> args) {
        List<String> c = new ArrayList<>(List.of(mpirun().toString(), "-np", String.valueOf(ranks), "--oversubscribe"));
        c.addAll(wafer(args));
        return c;
    }

    /** What each rank runs: this test's JDK and classpath starting wafer with {@code args}. */
    static List<String> wafer(List<String> args) {
        return wafer(System.getProperty("java.class.path"), args);
    }

    /** As {@link #wafer(List)}, with another classpath (a copy that another user may read). */
    static List<String> wafer(String classpath, List<String> args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss4m", "-Xmx512m",
                "-cp", classpath, WaferMain.class.getName()));
        c.addAll(args);
        return c;
    }

    /** Lets Open MPI run as root, which it refuses unless told twice (CI containers run as root). */
    static void allowRoot(java.util.Map<String, String> env) {
        env.put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        env.put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    }

    /** Starts the job with its stdout and stderr going to the given files. */
    static Process start(int ranks, List<String> args, Path out, Path err) throws Exception {
        return start(ranks, args, out, err, java.util.Map.of());
    }

    /** As {@link #start(int, List, Path, Path)}, with extra environment variables for every rank. */
    static Process start(int ranks, List<String> args, Path out, Path err, java.util.Map<String, String> env)
            throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command(ranks, args)).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        allowRoot(pb.environment());
        return pb.start();
    }

    /** Runs the job to its end (at most 5 minutes). */
    static CliRun run(Path dir, int ranks, List<String> args) throws Exception {
        Path out = Files.createTempFile(dir, "mpi", ".out");
        Path err = Files.createTempFile(dir, "mpi", ".err");
        Process p = start(ranks, args, out, err);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mpirun -np " + ranks + " did not finish within 5 minutes: "
                    + Files.readString(err));
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Runs one job whose rank r runs wafer with {@code perRank.get(r)} ({@code mpirun -np 1 A : -np 1 B}, Open MPI's
     * MPMD form), with extra environment variables; at most 5 minutes.
     */
    static CliRun runEach(Path dir, List<List<String>> perRank, java.util.Map<String, String> env) throws Exception {
        List<String> c = new ArrayList<>(List.of(mpirun().toString(), "--oversubscribe"));
        for (List<String> args : perRank) {
            if (c.size() > 2) {
                c.add(":");
            }
            c.addAll(List.of("-np", "1"));
            c.addAll(wafer(args));
        }
        Path out = Files.createTempFile(dir, "mpi", ".out");
        Path err = Files.createTempFile(dir, "mpi", ".err");
        ProcessBuilder pb = new ProcessBuilder(c).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        allowRoot(pb.environment());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("mpirun did not finish within 5 minutes: " + Files.readString(err));
        }
        return new CliRun(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * Step number to the loss exactly as {@code train --json} printed it (shortest round-trip form), from whole lines
     * only: a running job's last line may be partial.
     */
    static java.util.Map<Long, String> losses(String out) throws Exception {
        java.util.Map<Long, String> l = new java.util.LinkedHashMap<>();
        for (String line : out.substring(0, out.lastIndexOf('\n') + 1).split("\n")) {
            if (!line.isBlank() && line.startsWith("{")) {
                com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(line);
                if (n.has("step")) {
                    l.put(n.get("step").asLong(), n.get("loss").asText());
                }
            }
        }
        return l;
    }

    /**
     * Waits, at most {@code seconds}, until a training job has written its checkpoint and printed at least
     * {@code steps} steps to {@code out}, or has ended.
     */
    static void awaitCheckpointAndSteps(Process job, Path checkpoint, Path out, int steps, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && job.isAlive()
                && (!Files.exists(checkpoint) || losses(Files.readString(out)).size() < steps)) {
            Thread.sleep(20);
        }
    }

    /** The run, asserted to have exited 0 (its stderr as the message otherwise). */
    static CliRun ok(CliRun run) {
        org.junit.jupiter.api.Assertions.assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    /** Same steps, and every loss within the data-parallel tolerance of {@code expected}'s. */
    static void assertLossesClose(java.util.Map<Long, String> expected, java.util.Map<Long, String> actual,
            String what, long seed) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.keySet(), actual.keySet(), what);
        for (java.util.Map.Entry<Long, String> e : expected.entrySet()) {
            double a = Double.parseDouble(actual.get(e.getKey()));
            double b = Double.parseDouble(e.getValue());
            assertTrue(Math.abs(a - b) <= DataParallelTolerances.RELATIVE_LOSS * Math.abs(b),
                    what + ", step " + e.getKey() + ": " + a + " vs " + b + " (seed " + seed + ")");
        }
    }

    /** 20,000 seeded random token ids below 97, as a raw uint16 token file {@code tokens.bin} in {@code dir}. */
    static Path tokenFile(Path dir, long seed) throws java.io.IOException {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(2 * 20000).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 20000; i++) {
            buf.putShort((short) r.nextInt(97));
        }
        return java.nio.file.Files.write(dir.resolve("tokens.bin"), buf.array());
    }
}
