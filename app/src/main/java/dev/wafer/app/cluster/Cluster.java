package dev.wafer.app.cluster;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import dev.wafer.adapters.mpi.MpiCollective;
import dev.wafer.adapters.mpi.MpiLaunch;
import dev.wafer.adapters.mpi.MpiProbe;
import dev.wafer.ports.backend.BackendAvailability;
import dev.wafer.ports.collective.Collective;
import dev.wafer.ports.collective.SingleProcess;

/**
 * The ranks of this run. Launched by {@code mpirun} (or {@code srun}), it joins the MPI job; otherwise it is a single
 * process and touches no MPI library. A launch whose MPI library is missing is refused in one line by
 * {@link #join(java.util.function.Consumer)}, before any work.
 */
public final class Cluster {
    /** Seconds one collective call may wait for the other ranks (a hung rank) before this rank halts. */
    public static final String TIMEOUT_ENV = "WAFER_COLLECTIVE_TIMEOUT";
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /**
     * The default wait of {@code data prepare}'s ranks: a rank that finished its inputs waits in one call for the
     * slowest, which at Pile scale takes hours, not minutes.
     */
    public static final Duration PREPARE_TIMEOUT = Duration.ofHours(12);

    private final Map<String, String> env;

    /** @param env the process environment (where mpirun says how many ranks there are) */
    public Cluster(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** Whether this process was launched as a rank of an MPI job, and with how many ranks. */
    public OptionalInt launchedRanks() {
        return MpiLaunch.ranks(env);
    }

    /** How this process was launched, e.g. "launched by mpirun: 2 ranks", from the environment alone. */
    public String launch() {
        return MpiLaunch.describe(env);
    }

    /** Ranks of the job on this machine; 1 when not launched as a job or not stated. */
    public int localRanks() {
        return MpiLaunch.localRanks(env);
    }

    /** This process's rank among the job's ranks on this machine; 0 when not launched as a job or not stated. */
    public int localRank() {
        return MpiLaunch.localRank(env);
    }

    /** This process's rank in the job, from the launcher's environment; 0 when not launched as a job. */
    public int worldRank() {
        return MpiLaunch.worldRank(env);
    }

    /** The MPI library's state and this launch, for {@code wafer cluster}; never throws. */
    public BackendAvailability probe() {
        return MpiProbe.probe(env);
    }

    /**
     * Joins the job: the MPI collective when launched by mpirun, else {@link SingleProcess}.
     *
     * @param hung told one line (then the process halts) when a collective call waits past the timeout
     *
     * @throws ClusterUnavailableException if launched by mpirun but Open MPI cannot be loaded or initialised
     */
    public Ranks join(java.util.function.Consumer<String> hung) {
        return join(hung, DEFAULT_TIMEOUT);
    }

    /**
     * As {@link #join(java.util.function.Consumer)}, with the wait a collective call may take before this rank
     * halts when {@value #TIMEOUT_ENV} is not set.
     */
    public Ranks join(java.util.function.Consumer<String> hung, Duration defaultTimeout) {
        if (launchedRanks().isEmpty()) {
            return new Ranks(SingleProcess.instance(), Optional.empty());
        }
        try {
            MpiCollective mpi = MpiCollective.join(timeout(defaultTimeout), hung);
            return new Ranks(mpi, Optional.of(mpi));
        } catch (LinkageError | RuntimeException e) {
            BackendAvailability a = probe();
            String why = a.available() ? oneLine(e) : a.detail();
            throw new ClusterUnavailableException(MpiLaunch.describe(env) + ", but MPI cannot be used: " + why
                    + ". Install Open MPI 4 (Debian: apt-get install openmpi-bin libopenmpi-dev) on every machine");
        }
    }

    private Duration timeout(Duration defaultTimeout) {
        String s = env.get(TIMEOUT_ENV);
        if (s == null || s.isBlank()) {
            return defaultTimeout;
        }
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(s.strip()) * 1000));
        } catch (NumberFormatException e) {
            throw new ClusterUnavailableException(TIMEOUT_ENV + "=" + s + " is not a number of seconds");
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.strip().replaceAll("\\s+", " "));
    }

    /**
     * The joined ranks: the collective, and the MPI adapter behind it when there is one (for its counters and for
     * leaving the job).
     */
    public record Ranks(Collective collective, Optional<MpiCollective> mpi) {

        /** Whether this rank prints, writes JSON and checkpoints (rank 0). */
        public boolean lead() {
            return collective.rank() == 0;
        }

        /** Leaves the job after a successful run (MPI_Finalize waits for every rank); nothing for a single process. */
        public void finish() {
            mpi.ifPresent(MpiCollective::close);
        }

        /** "N ranks (MPI library)" when MPI joined the ranks, for reports. */
        public Optional<String> mpiDescription() {
            return mpi.map(m -> m.size() + " ranks (" + m.libraryVersion().split(",")[0] + ")");
        }

        /** Bytes this rank has contributed to collective calls so far; 0 for a single process. */
        public long collectiveBytes() {
            return mpi.map(MpiCollective::bytesReduced).orElse(0L);
        }

        /** Nanoseconds this rank has spent in collective calls so far; 0 for a single process. */
        public long collectiveNanos() {
            return mpi.map(MpiCollective::communicationNanos).orElse(0L);
        }

        /**
         * One line on the communication of {@code steps} optimizer steps, for the end of a multi-rank run: per step,
         * the collectives outside checkpoint saves; the saves' own (a sharded optimizer's moments gathered to the
         * writer) apart.
         *
         * @param saves     checkpoint saves in the run
         * @param saveNanos nanoseconds of collectives during those saves
         * @param saveBytes bytes sent to collectives during those saves
         */
        public String communicationSummary(long steps, long saves, long saveNanos, long saveBytes) {
            if (mpi.isEmpty() || steps <= 0) {
                return "";
            }
            MpiCollective m = mpi.get();
            String line = String.format(Locale.ROOT, "%d ranks (%s): %.3f s per step in collectives (waiting"
                            + " included), %.1f MB sent to collectives per step per rank", m.size(),
                    m.libraryVersion().split(",")[0], (m.communicationNanos() - saveNanos) / 1e9 / steps,
                    (m.bytesReduced() - saveBytes) / 1e6 / steps);
            if (saveBytes > 0) {
                line += String.format(Locale.ROOT, "; checkpoint saves apart: %.1f MB in %.3f s over %d save%s"
                        + " (the optimizer's moments gathered to rank 0)", saveBytes / 1e6, saveNanos / 1e9, saves,
                        saves == 1 ? "" : "s");
            }
            return line;
        }
    }
}
