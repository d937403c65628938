package dev.wafer.adapters.mpi;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.wafer.conformance.collective.CollectiveChecks;
import dev.wafer.conformance.collective.Verdict;

/**
 * One rank of the collective contract under {@code mpirun}: joins the job, runs every check and writes its verdicts,
 * one line each, to {@code DIR/rank-R.txt}. A rank that hangs is halted by the collective's watchdog and writes
 * nothing, which the test reports.
 */
final class CollectiveContractRank {
    /** How long one collective call may wait for the other rank before this process halts. */
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    private CollectiveContractRank() {
    }

    /** {@code args[0]}: the directory for the verdict files. */
    public static void main(String[] args) throws Exception {
        MpiCollective mpi = MpiCollective.join(TIMEOUT, System.err::println);
        List<Verdict> verdicts = CollectiveChecks.runAll(mpi);
        Files.write(Path.of(args[0], "rank-" + mpi.rank() + ".txt"), verdicts.stream().map(Verdict::line).toList());
        mpi.close();
    }
}
