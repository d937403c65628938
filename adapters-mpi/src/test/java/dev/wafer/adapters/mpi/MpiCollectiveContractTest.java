package dev.wafer.adapters.mpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import dev.wafer.conformance.collective.RankVerdicts;
import dev.wafer.conformance.collective.Verdict;

/**
 * The collective contract on Open MPI: {@code mpirun -np 2} starts two JVMs of {@link CollectiveContractRank} on this
 * test's classpath, each runs every check, and each check becomes one test that both ranks must have passed. Skipped
 * where mpirun is absent, unless {@code WAFER_EXPECT_MPI=1} (CI), where it fails instead.
 */
class MpiCollectiveContractTest {
    private static final int RANKS = 2;

    @TestFactory
    Stream<DynamicTest> collectiveContractOnTwoRanks(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("mpirun.log");
        ProcessBuilder pb = new ProcessBuilder(command(mpirun(), dir)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Open MPI refuses to run as root unless told twice (CI containers run as root).
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT", "1");
        pb.environment().put("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
        Process job = pb.start();
        if (!job.waitFor(5, TimeUnit.MINUTES)) {
            job.destroyForcibly();
        }
        String output = Files.readString(log);
        List<Verdict> verdicts = new ArrayList<>();
        for (int r = 0; r < RANKS; r++) {
            Path file = dir.resolve("rank-" + r + ".txt");
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file)) {
                    verdicts.add(Verdict.parse(r, line));
                }
            }
        }
        DynamicTest exit = DynamicTest.dynamicTest("mpirun exits 0", () -> {
            assertTrue(!job.isAlive(), "mpirun did not finish within 5 minutes: " + output);
            assertEquals(0, job.exitValue(), output);
        });
        return Stream.concat(Stream.of(exit), RankVerdicts.perCheck(RANKS, verdicts));
    }

    /** {@code mpirun -np 2 java ... CollectiveContractRank DIR}, passing on the base seed when one is set. */
    private static List<String> command(Path mpirun, Path dir) {
        List<String> c = new ArrayList<>(List.of(mpirun.toString(), "-np", String.valueOf(RANKS), "--oversubscribe",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
                "-Xss4m", "-Xmx512m", "-cp", System.getProperty("java.class.path")));
        String seed = System.getProperty("wafer.seed");
        if (seed != null) {
            c.add("-Dwafer.seed=" + seed);
        }
        c.addAll(List.of(CollectiveContractRank.class.getName(), dir.toString()));
        return c;
    }

    /** The mpirun executable, or the test is skipped (failed under WAFER_EXPECT_MPI=1). */
    private static Path mpirun() {
        Optional<Path> found = Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .map(d -> Path.of(d, "mpirun")).filter(Files::isExecutable).findFirst();
        if ("1".equals(System.getenv("WAFER_EXPECT_MPI"))) {
            assertTrue(found.isPresent(), "WAFER_EXPECT_MPI=1 but mpirun is not on the PATH");
        }
        Assumptions.assumeTrue(found.isPresent(), "mpirun is not installed (apt-get install openmpi-bin)");
        return found.get();
    }
}
